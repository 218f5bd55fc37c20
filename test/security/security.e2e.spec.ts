import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistrySimulator, type RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { startGateway, type Finished } from '../support/processes';
import { gatewayClient, signIn } from '../support/gateway-client';
import { extendFirstAgreement } from '../support/parties';
import { until } from '../support/until';

const SECRETS = {
  registryPassword: 'Registry-Secret-Pw-7731',
  balikanToken: 'Balikan-Secret-Token-5521',
  balikanKey: Buffer.alloc(32, 0x5c).toString('base64'),
  accessTokenKey: Buffer.alloc(32, 0x3a).toString('base64'),
  auditKey: process.env.AUDIT_SIGNING_KEY!,
};

/** Every way a secret could be written down: plain, base64, hex, URL-encoded, JSON-escaped. */
const encodings = (value: string) => [
  value,
  Buffer.from(value).toString('base64'),
  Buffer.from(value).toString('hex'),
  encodeURIComponent(value),
  JSON.stringify(value).slice(1, -1),
];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Security checks on the real service process: secrets never leave it, security
 * headers are set, and a refused sign-in takes as long whether or not the user id exists (measured).
 */
describe('The gateway keeps its secrets and gives nothing away', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'nik-security-'));
  let simulator: RegistrySimulator;
  let child: ChildProcess;
  let exited: Promise<Finished>;
  let output = '';
  let api = '';
  const seen: string[] = []; // every answer, headers and body, as text

  const call = gatewayClient(
    () => api,
    (answer) => seen.push(`${answer.status} ${JSON.stringify([...answer.headers])} ${answer.text}`),
  );

  beforeAll(async () => {
    simulator = await startRegistrySimulator({ userId: 'security-user', password: SECRETS.registryPassword, balikanToken: SECRETS.balikanToken });
    const started = await startGateway({
      DATA_DIR: dir,
      PORT: '0',
      DATABASE_URL: '',
      LOG_LEVEL: 'debug',
      INITIAL_ADMIN_PASSWORD: 'security-dinkes-password',
      INITIAL_AUDITOR_PASSWORD: 'security-dukcapil-password',
      SIGN_IN_ATTEMPTS_PER_MINUTE: '1000', // the timing test's sign-ins all come from 127.0.0.1
      REGISTRY_URL: simulator.url,
      REGISTRY_USER_ID: 'security-user',
      REGISTRY_PASSWORD: SECRETS.registryPassword,
      BALIKAN_URL: simulator.url,
      BALIKAN_TOKEN: SECRETS.balikanToken,
      BALIKAN_KEY: SECRETS.balikanKey,
      ACCESS_TOKEN_KEY: SECRETS.accessTokenKey,
    });
    child = started.child;
    exited = started.exited;
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    output += started.output;
    api = started.url;
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    await exited;
    await simulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets security headers on every answer (helmet), with a strict content policy outside the API explorer', async () => {
    for (const path of ['/health', '/v1/agreements', '/no-such-route']) {
      const { headers } = await call('GET', path);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(headers.get('x-powered-by')).toBeNull();
    }
    expect((await call('GET', '/docs')).headers.get('content-security-policy')).toBeNull();
  });

  it('refuses a wrong password as fast for a user id that does not exist as for one that does, with eleven other sign-ins in flight (ratio of medians)', async () => {
    const admin = await signIn(call, 'admin', 'security-dinkes-password');
    const [facility] = ((await call('GET', '/v1/facilities', admin)).body as unknown as { facilityId: string; kind: string }[]).filter(
      (f) => f.kind === 'PUSKESMAS',
    );
    const known: string[] = [];
    for (let i = 0; i < 6; i++) {
      const userId = `timing.${i}`;
      await call('POST', '/v1/operators', admin, { userId, password: 'timing-password-1', role: 'PUSKESMAS_OPERATOR', facilityId: facility!.facilityId });
      known.push(userId);
    }
    const time = async (userId: string) => {
      const started = performance.now();
      const res = await call('POST', '/v1/auth/login', undefined, { userId, password: 'not-the-password' });
      expect(res.body.code).toBe('LOGIN_FAILED');
      return performance.now() - started;
    };
    // Rounds of twelve sign-ins at once, six known user ids and six unknown ones interleaved, so both meet
    // the same load; four rounds keep every known id under the five failures that lock it.
    const existing: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 4; round++) {
      const batch = known.flatMap((userId) => [
        time(userId).then((ms) => existing.push(ms)),
        time(`nobody.${randomUUID().slice(0, 8)}`).then((ms) => unknown.push(ms)),
      ]);
      await Promise.all(batch);
    }
    const [a, b] = [median(existing), median(unknown)];
    process.stdout.write(
      `  [login timing] refused sign-in, 12 in flight, median of 24: existing user ${a.toFixed(1)} ms, unknown user ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)}\n`,
    );
    // Before: 1.5-2.1 s against 0.41-0.43 s (a ratio near 4). The same path gives a ratio near 1 whatever the machine's load.
    expect(a / b).toBeGreaterThan(0.5);
    expect(a / b).toBeLessThan(2);
  });

  it('never lets the registry credentials, the balikan token or key, or the audit signing key leave the process: not in logs, answers, errors, the OpenAPI document or health', async () => {
    const admin = await signIn(call, 'admin', 'security-dinkes-password');
    const auditor = await signIn(call, 'auditor', 'security-dukcapil-password');
    await extendFirstAgreement(call, admin, auditor, '473.3/0915.12/IX/2024', '2099-09-15');
    const [facility] = ((await call('GET', '/v1/facilities', admin)).body as unknown as { facilityId: string; kind: string }[]).filter(
      (f) => f.kind === 'PUSKESMAS',
    );
    await call('POST', '/v1/operators', admin, {
      userId: 'secret.clerk',
      password: 'secret-clerk-password',
      role: 'PUSKESMAS_OPERATOR',
      facilityId: facility!.facilityId,
    });
    const clerk = await signIn(call, 'secret.clerk', 'secret-clerk-password');
    const found = await call('POST', '/v1/access/nik-lookups', clerk, { nik: simulator.samples.found[0] });
    await call('POST', '/v1/access/nik-lookups', clerk, { nik: simulator.samples.notFound[0] });
    const balikan = await call('POST', '/v1/balikan', clerk, {
      accessId: found.body.accessId,
      nik: simulator.samples.found[0],
      verificationToken: found.body.verificationToken,
      bloodType: 'B+',
    });
    await until(async () => (await call('GET', `/v1/balikan/${balikan.body.balikanId}`, clerk)).body.status === 'DELIVERED', {
      what: 'the balikan delivered',
      timeoutMs: 30_000,
      everyMs: 100,
    });
    // The registry failing in each way, so every error path writes its log line.
    for (const fault of [{ mode: 'HTTP_5XX', status: 500 }, { mode: 'MALFORMED' }, { mode: 'RESPON', respon: 'Login Gagal' }]) {
      simulator.setFault(fault as never);
      await call('POST', '/v1/access/nik-lookups', clerk, { nik: simulator.samples.found[1] });
    }
    simulator.setFault(null);
    simulator.setFault({ mode: 'HTTP_5XX', status: 401 } as never, 'BALIKAN');
    const refused = await call('POST', '/v1/balikan', clerk, {
      accessId: found.body.accessId,
      nik: simulator.samples.found[0],
      verificationToken: found.body.verificationToken,
      medicalRecordNumber: 'RM-SEC-1',
    });
    // Wait for one delivery attempt against the refusing endpoint (its failure is logged).
    await until(async () => (await call('GET', `/v1/balikan/${refused.body.balikanId}`, clerk)).body.status === 'FAILED_RETRYING', {
      what: 'a delivery attempt refused',
      timeoutMs: 30_000,
      everyMs: 100,
    });
    simulator.setFault(null, 'BALIKAN');
    await call('POST', '/v1/auth/login', undefined, undefined, { raw: '{"userId": broken' });
    await call('GET', '/docs-json');
    await call('GET', '/health');
    await call('GET', '/v1/audit/public-key', admin);

    expect(simulator.balikan().received).toBeGreaterThan(0); // the token was used, so it was there to leak
    const everything = `${output}\n${seen.join('\n')}`;
    expect(everything.length).toBeGreaterThan(5000);
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const form of encodings(value)) expect({ name, leaked: everything.includes(form) }).toEqual({ name, leaked: false });
    }
    // The lookup's verification token goes to the caller (in the answer) and nowhere else: not in a log line.
    expect(found.body.verificationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const form of encodings(found.body.verificationToken))
      expect({ name: 'verificationToken', leaked: output.includes(form) }).toEqual({ name: 'verificationToken', leaked: false });
  });
});
