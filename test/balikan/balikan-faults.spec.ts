import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnEachStorage, isolatedStorage } from '../support/isolated-storage';
import { startRegistrySimulator, type RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { distPath, runScript, startGateway, type Finished } from '../support/processes';
import { signIn } from '../support/gateway-client';

const cli = distPath('src', 'cli.js');

/**
 * Data balikan through outages and crashes, with real processes: the service (`node dist/src/main.js`)
 * talks to a registry simulator that lives in this test process, so it outlives every kill.
 */
describeOnEachStorage('Data balikan through outages and crashes', (server) => {
  const isServer = server !== undefined;
  jest.setTimeout(120_000);
  let simulator: RegistrySimulator;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  let service: { child: ChildProcess; exited: Promise<Finished>; api: string } | undefined;
  let operator = '';
  let accessIds: string[] = [];
  const secrets: string[] = [];

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
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${service!.api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const until = async (probe: () => Promise<boolean> | boolean, what: string, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const submit = async (i: number) => {
    const nik = simulator.samples.found[i % simulator.samples.found.length]!;
    const medicalRecordNumber = `RM-${server ? 'S' : 'E'}-${String(100000 + i)}`;
    secrets.push(medicalRecordNumber);
    const res = await call('POST', '/v1/balikan', operator, { accessId: accessIds[i % accessIds.length], nik, medicalRecordNumber, bloodType: 'AB-' });
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
      LOOKUPS_PER_HOUR: '100000',
    };
    const storage = await isolatedStorage(isServer ? server : undefined, 'balikan');
    env = { ...base, ...storage.env, ...(isServer ? { BALIKAN_KEY: Buffer.alloc(32, 3).toString('base64') } : {}) };
    cleanup = storage.cleanup;
    await start();
    const admin = await signIn(call, 'admin', 'faults-dinkes-password');
    let facilities: { facilityId: string; kind: string }[] = [];
    await until(async () => (facilities = (await call('GET', '/v1/facilities', admin)).body).length >= 22, 'facilities');
    const [agreement] = (await call('GET', '/v1/agreements', admin)).body;
    await call('POST', `/v1/agreements/${agreement.agreementId}/extensions`, admin, { addendumNumber: 'ADD/FAULTS/1', validUntil: '2099-12-31' });
    await call('POST', '/v1/operators', admin, { userId: 'loket.faults', password: 'faults-password-1', role: 'PUSKESMAS_OPERATOR', facilityId: facilities.find((f) => f.kind === 'PUSKESMAS')!.facilityId });
    operator = await signIn(call, 'loket.faults', 'faults-password-1');
    for (const nik of simulator.samples.found) {
      accessIds.push((await call('POST', '/v1/access/nik-lookups', operator, { nik })).body.accessId);
      secrets.push(nik);
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
    for (let i = 0; i < 200; i++) ids.push(await submit(i));
    expect(simulator.balikan().perReference.size).toBe(0);
    simulator.setFault(null, 'BALIKAN');
    await until(() => ids.every((id) => simulator.balikan().perReference.has(id)), 'all 200 delivered', 90_000);
    expect(ids.map((id) => simulator.balikan().perReference.get(id))).toEqual(ids.map(() => 1));
    await until(async () => (await call('GET', `/v1/balikan/${ids[199]}`, operator)).body.status === 'DELIVERED', 'last recorded DELIVERED');
    const statuses = new Set<string>();
    for (const id of ids) statuses.add((await call('GET', `/v1/balikan/${id}`, operator)).body.status);
    expect([...statuses]).toEqual(['DELIVERED']);
  });

  it('delivers once more after a kill -9 between the acknowledgement and the delete, and records DELIVERED once', async () => {
    await stop();
    const crashing = await start({ NIK_GATEWAY_FAILPOINT: 'balikan-after-ack' });
    const id = await submit(1000);
    expect((await crashing.exited).signal).toBe('SIGKILL'); // died right after the registry said Success
    service = undefined;
    expect(simulator.balikan().perReference.get(id)).toBe(1);
    await start();
    // The lease runs out, the row is sent again under the same reference: the receiver sees it twice and can tell.
    await until(() => simulator.balikan().perReference.get(id) === 2, 're-sent after the crash');
    await until(async () => (await call('GET', `/v1/balikan/${id}`, operator)).body.status === 'DELIVERED', 'DELIVERED');
    await stop(); // the CLI below opens the same storage (one process per embedded data directory)
    const outbox = await runScript(cli, ['balikan:outbox'], { ...env, LOG_LEVEL: 'error' });
    expect(JSON.parse(outbox.stdout)).toEqual({ waiting: 0, oldest: null });
    const delivered = await runScript(cli, ['events:count', 'BalikanDelivered'], { ...env, LOG_LEVEL: 'error' });
    expect(Number(delivered.stdout.trim())).toBe(201); // 200 above and this one, once
  });

  it('leaves no NIK and no medical record number in any table or event once delivered (plain, base64 or hex)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nik-scan-')), 'values.txt');
    writeFileSync(file, secrets.join('\n'));
    const scan = await runScript(cli, ['privacy:scan', file], { ...env, LOG_LEVEL: 'error' });
    const report = JSON.parse(scan.stdout);
    expect(report.found).toEqual([]);
    expect(report.tables).toBeGreaterThan(10);
    expect(scan.code).toBe(0);
  });
});
