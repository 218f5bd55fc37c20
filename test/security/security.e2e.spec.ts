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
/** Mann-Whitney U over the product of the sample sizes: the probability that an `a` takes longer than a `b` (ties count half). */
const probabilityOfLonger = (a: number[], b: number[]) =>
  a.reduce((u, x) => u + b.reduce((v, y) => v + (x > y ? 1 : x === y ? 0.5 : 0), 0), 0) / (a.length * b.length);
const shuffled = <T>(items: T[]) => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

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

  it(
    'refuses a wrong password as fast for a user id that does not exist as for one that does, measured one at a time, interleaved (rank test)',
    async () => {
      const admin = await signIn(call, 'admin', 'security-dinkes-password');
      const [facility] = ((await call('GET', '/v1/facilities', admin)).body as unknown as { facilityId: string; kind: string }[]).filter(
        (f) => f.kind === 'PUSKESMAS',
      );
      // Two sets of six accounts, used in turn: each takes four wrong passwords, under the five that lock it.
      const known: string[][] = [[], []];
      for (let i = 0; i < 12; i++) {
        const userId = `timing.${i}`;
        await call('POST', '/v1/operators', admin, { userId, password: 'timing-password-1', role: 'PUSKESMAS_OPERATOR', facilityId: facility!.facilityId });
        known[i % 2]!.push(userId);
      }
      const time = async (userId: string) => {
        const started = performance.now();
        const res = await call('POST', '/v1/auth/login', undefined, { userId, password: 'not-the-password' });
        expect(res.body.code).toBe('LOGIN_FAILED');
        return performance.now() - started;
      };
      // Interleaved samples, one sign-in at a time: pairs of a known and an unknown user id in a random order, so
      // both meet the same load and the same stalls of a busy machine. One at a time, each measures its own work:
      // sent together they would queue for the one hashing slot, and the order they reach it would be measured.
      const existing: number[] = [];
      const unknown: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (const userId of [...known[0]!, ...known[1]!]) {
          const pair = shuffled([
            { userId, into: existing },
            { userId: `nobody.${randomUUID().slice(0, 8)}`, into: unknown },
          ]);
          for (const { userId: id, into } of pair) into.push(await time(id));
        }
      }
      const [a, b] = [median(existing), median(unknown)];
      const slower = probabilityOfLonger(existing, unknown);
      process.stdout.write(
        `  [login timing] refused sign-in, one at a time, 48 of each: median existing user ${a.toFixed(1)} ms, unknown user ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)}; P(existing takes longer) ${slower.toFixed(2)}\n`,
      );
      // The verdict is a rank test (Mann-Whitney U as a probability): how often a known user id's refusal took
      // longer than an unknown one's. Equal work gives 0.5 however slow the machine is, since load slows both
      // alike; with 48 samples of each its spread is about 0.06, so 0.25-0.75 (four spreads) is not crossed by
      // chance. The regression it guards against, an unknown user id refused before the hashing, measured (on
      // 2 busy cores) P = 1.00, medians 112 ms against 6.6 ms; equal work measured 0.51-0.56, also beside two CPU hogs.
      expect(slower).toBeGreaterThan(0.25);
      expect(slower).toBeLessThan(0.75);
      // A hang guard scaled to the work, not a verdict: 12 enrolments and 96 sign-ins, one argon2 hashing each,
      // allowed 5 s apiece (beside two CPU hogs they took 0.3-0.7 s).
    },
    108 * 5_000,
  );

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
