import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnEachStorage, isolatedStorage } from '../support/isolated-storage';
import { startRegistrySimulator, type RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { extendFirstAgreement, proposeAndConfirm } from '../support/parties';
import { distPath, runScript, startGateway, type Finished } from '../support/processes';
import { signIn } from '../support/gateway-client';
import { anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';
import { JEST_HANG_GUARD_MS, whileProgressing } from '../support/until';

const cli = distPath('src', 'cli.js');

/**
 * Data balikan through outages and crashes, with real processes: the service (`node dist/src/main.js`)
 * talks to a registry simulator that lives in this test process, so it outlives every kill.
 */
describeOnEachStorage('Data balikan through outages and crashes', (server) => {
  const isServer = server !== undefined;
  // Real processes, outages and crashes take what the machine gives them: the waits below fail on a stall,
  // and this is only the guard against a hang.
  jest.setTimeout(JEST_HANG_GUARD_MS);
  let simulator: RegistrySimulator;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  let service: { child: ChildProcess; exited: Promise<Finished>; api: string } | undefined;
  let operator = '';
  const accessIds: string[] = [];
  const tokens: string[] = [];
  let admin = '';
  const secrets: string[] = [];
  /** Every log line the service wrote, across restarts and kills. */
  let logs = '';

  const start = async (extra: NodeJS.ProcessEnv = {}) => {
    const { child, exited, url } = await startGateway({ ...env, ...extra });
    service = { child, exited, api: url };
    return service;
  };
  const stop = async () => {
    if (!service) return;
    service.child.kill('SIGTERM');
    await service.exited;
    service = undefined;
  };
  const started = async (extra: NodeJS.ProcessEnv = {}) => {
    const s = await start(extra);
    void s.exited.then((f) => (logs += `${f.stdout}\n${f.stderr}\n`));
    return s;
  };
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${service!.api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const callWithKey = async (key: string, body: unknown) => {
    const res = await fetch(`${service!.api}/v1/balikan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}`, 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Room for a loaded machine: real processes, an outage and a crash. */
  const patiently = { timeoutMs: 60_000, everyMs: 100 };
  /** The service's outbox depth, from /metrics. */
  const depth = async () =>
    /^balikan_outbox_depth (\d+)$/m.exec(await (await fetch(`${service!.api}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text())?.[1];
  /**
   * Waits for the service to settle balikan, however slowly, while delivery moves: the registry receiving
   * them, the outbox shrinking. Fails once neither moved for `stallMs` (a lease of 2 s and a worker's pass
   * fit in it many times over), naming where they stood.
   */
  const whileDelivering = <T>(probe: () => T | Promise<T>, what: string, stallMs = 60_000) =>
    whileProgressing(
      async () => ({
        done: await probe(),
        progress: { received: simulator.balikan().received, outbox: await depth() },
      }),
      { what, stallMs, everyMs: 100 },
    );
  const submit = async (i: number) => {
    const nik = simulator.samples.found[i % simulator.samples.found.length]!;
    const medicalRecordNumber = `RM-${server ? 'S' : 'E'}-${String(100000 + i)}`;
    secrets.push(medicalRecordNumber);
    const res = await call('POST', '/v1/balikan', operator, {
      accessId: accessIds[i % accessIds.length],
      nik,
      verificationToken: tokens[i % tokens.length],
      medicalRecordNumber,
      bloodType: 'AB-',
    });
    expect(res.status).toBe(202);
    return res.body.balikanId as string;
  };

  beforeAll(async () => {
    simulator = await startRegistrySimulator();
    const base = {
      PORT: '0',
      LOG_LEVEL: 'info', // the start is recognised by its "listening on port" line
      REGISTRY_URL: simulator.url,
      REGISTRY_USER_ID: 'simulator',
      REGISTRY_PASSWORD: 'simulator',
      BALIKAN_URL: simulator.url,
      BALIKAN_TOKEN: 'simulator-balikan-token',
      BALIKAN_LEASE_SECONDS: '2',
      INITIAL_ADMIN_PASSWORD: 'faults-dinkes-password',
      INITIAL_AUDITOR_PASSWORD: 'faults-dukcapil-password',
      LOOKUPS_PER_HOUR: '100000',
    };
    const storage = await isolatedStorage(isServer ? server : undefined, 'balikan');
    env = {
      ...base,
      ...storage.env,
      ...(isServer ? { BALIKAN_KEY: Buffer.alloc(32, 3).toString('base64'), ACCESS_TOKEN_KEY: Buffer.alloc(32, 4).toString('base64') } : {}),
    };
    cleanup = storage.cleanup;
    await started();
    admin = await signIn(call, 'admin', 'faults-dinkes-password');
    const facilities = await thePuskesmasList(call, admin, patiently);
    const auditor = await signIn(call, 'auditor', 'faults-dukcapil-password');
    await extendFirstAgreement(call, admin, auditor, 'ADD/FAULTS/1', '2099-12-31');
    operator = (
      await anOperatorAt(reach(call), admin, facilities.find((f) => f.kind === 'PUSKESMAS')!.facilityId, {
        userId: 'loket.faults',
        password: 'faults-password-1',
      })
    ).token;
    for (const nik of simulator.samples.found) {
      const found = (await call('POST', '/v1/access/nik-lookups', operator, { nik })).body;
      accessIds.push(found.accessId);
      tokens.push(found.verificationToken);
      secrets.push(nik, found.verificationToken);
    }
  });

  afterAll(async () => {
    await stop();
    await simulator?.stop();
    await cleanup?.();
  });

  it('accepts 200 balikan while the registry is down and delivers each exactly once when it is back, leaving the outbox empty', async () => {
    simulator.setFault({ mode: 'DOWN' }, 'BALIKAN');
    const ids: string[] = [];
    const submitting = Date.now();
    for (let i = 0; i < 200; i++) ids.push(await submit(i));
    const submittedInMs = Date.now() - submitting;
    expect(simulator.balikan().perReference.size).toBe(0);
    simulator.setFault(null, 'BALIKAN');
    // Delivery counted as it grows. Rows retried through the outage back off (doubling, to twice the time
    // they have waited): the first one submitted may next be tried up to twice the submitting time later.
    const delivered = () => ids.filter((id) => simulator.balikan().perReference.has(id)).length;
    await whileProgressing(() => ({ done: delivered() === ids.length, progress: { delivered: delivered() } }), {
      what: 'all 200 delivered',
      stallMs: 60_000 + 2 * submittedInMs,
      everyMs: 100,
    });
    expect(ids.map((id) => simulator.balikan().perReference.get(id))).toEqual(ids.map(() => 1));
    await whileDelivering(async () => (await call('GET', `/v1/balikan/${ids[199]}`, operator)).body.status === 'DELIVERED', 'last recorded DELIVERED');
    const statuses = new Set<string>();
    for (const id of ids) statuses.add((await call('GET', `/v1/balikan/${id}`, operator)).body.status);
    expect([...statuses]).toEqual(['DELIVERED']);
  });

  it('delivers once more after a kill -9 between the registry acknowledging it and recording that, and records DELIVERED once', async () => {
    await stop();
    const crashing = await started({ NIK_GATEWAY_FAILPOINT: 'balikan-after-ack' });
    const id = await submit(1000);
    expect((await crashing.exited).signal).toBe('SIGKILL'); // died right after the registry said Success, before recording it
    service = undefined;
    expect(simulator.balikan().perReference.get(id)).toBe(1);
    await started();
    // The lease runs out, the row is sent again under the same reference: the receiver sees it twice and can tell.
    await whileDelivering(() => simulator.balikan().perReference.get(id) === 2, 're-sent after the crash');
    await whileDelivering(async () => (await call('GET', `/v1/balikan/${id}`, operator)).body.status === 'DELIVERED', 'DELIVERED');
    await stop(); // the CLI below opens the same storage (one process per embedded data directory)
    const outbox = await runScript(cli, ['balikan:outbox'], { ...env, LOG_LEVEL: 'error' });
    expect(JSON.parse(outbox.stdout)).toEqual({ waiting: 0, oldest: null });
    const delivered = await runScript(cli, ['events:count', 'BalikanDelivered'], { ...env, LOG_LEVEL: 'error' });
    expect(Number(delivered.stdout.trim())).toBe(201); // 200 above and this one, once
  });

  it('sends nothing again after a kill -9 between recording DELIVERED and the delete', async () => {
    const crashing = await started({ NIK_GATEWAY_FAILPOINT: 'balikan-after-record' });
    const id = await submit(1001);
    expect((await crashing.exited).signal).toBe('SIGKILL');
    service = undefined;
    expect(simulator.balikan().perReference.get(id)).toBe(1);
    await started();
    // The lease runs out and the row is claimed again: the worker finds DELIVERED on the access and deletes it unsent.
    await whileDelivering(async () => (await depth()) === '0', 'the row deleted without a re-send');
    expect(simulator.balikan().perReference.get(id)).toBe(1);
    expect((await call('GET', `/v1/balikan/${id}`, operator)).body.status).toBe('DELIVERED');
    await stop();
  });

  it('holds one Idempotency-Key to one access across a restart: the same 202 on its access, 422 IDEMPOTENCY_KEY_REUSED on another', async () => {
    await started();
    const key = randomUUID();
    const body = (i: number) => ({ accessId: accessIds[i], nik: simulator.samples.found[i], verificationToken: tokens[i], bloodType: 'B+' });
    const keyed = (i: number) => callWithKey(key, body(i));
    const first = await keyed(0);
    expect(first.status).toBe(202);
    await stop();
    await started();
    const repeat = await keyed(0);
    expect({ status: repeat.status, balikanId: repeat.body.balikanId }).toEqual({ status: 202, balikanId: first.body.balikanId });
    const other = await keyed(1);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    await stop();
  });

  it('refuses a balikan once the agreement has ended, and still delivers the one accepted before', async () => {
    const deniedBefore = Number((await runScript(cli, ['events:count', 'AccessDenied'], { ...env, LOG_LEVEL: 'error' })).stdout.trim());
    await started();
    simulator.setFault({ mode: 'DOWN' }, 'BALIKAN');
    const accepted = await submit(1002);
    const [agreement] = (await call('GET', '/v1/agreements', admin)).body;
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10); // WIB
    // Ended by consent: Dinkes proposes, Disdukcapil confirms (the agreement's two parties).
    const auditor = await signIn(call, 'auditor', 'faults-dukcapil-password');
    await proposeAndConfirm(call, admin, auditor, `/v1/agreements/${agreement.agreementId}/termination`, { reason: 'MUTUAL_CONSENT', effectiveOn: today });
    const refused = await call('POST', '/v1/balikan', operator, {
      accessId: accessIds[0],
      nik: simulator.samples.found[0],
      verificationToken: tokens[0],
      bloodType: 'O+',
    });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'AGREEMENT_NOT_ACTIVE' });
    simulator.setFault(null, 'BALIKAN');
    await whileDelivering(
      async () => (await call('GET', `/v1/balikan/${accepted}`, operator)).body.status === 'DELIVERED',
      'the accepted balikan delivered after the agreement ended',
    );
    expect(simulator.balikan().perReference.get(accepted)).toBe(1);
    await stop();
    const denials = await runScript(cli, ['events:count', 'AccessDenied'], { ...env, LOG_LEVEL: 'error' });
    expect(Number(denials.stdout.trim())).toBe(deniedBefore + 1); // the refusal, recorded
  });

  it('leaves no NIK, no medical record number and no verification token in any table, event or log line once delivered (plain, base64 or hex)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nik-scan-')), 'values.txt');
    writeFileSync(file, secrets.join('\n'));
    const scan = await runScript(cli, ['privacy:scan', file], { ...env, LOG_LEVEL: 'error' });
    const report = JSON.parse(scan.stdout);
    expect(report.found).toEqual([]);
    expect(report.tables).toBeGreaterThan(10);
    expect(scan.code).toBe(0);
    // Nor in any log line of the service (the verification tokens, the NIKs, the values).
    expect(logs.length).toBeGreaterThan(1000);
    expect(secrets.filter((secret) => logs.includes(secret))).toEqual([]);
  });
});
