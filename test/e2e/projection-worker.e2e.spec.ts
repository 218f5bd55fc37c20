import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayClient, signIn, type GatewayCall } from '../support/gateway-client';
import { SEEDED_FACILITIES, type ListedFacility } from '../support/fixtures';
import { childrenRunning, isRunning, startGateway } from '../support/processes';
import { until } from '../support/until';

const ADMIN_PASSWORD = 'worker-dinkes-password-1';

/** Registers a Puskesmas and resolves once the facility list (a read model the projections keep) shows it. */
async function aNewPuskesmasIsListed(call: GatewayCall, admin: string): Promise<void> {
  const n = `${process.pid % 1000}${Date.now() % 100_000}`;
  const registered = await call('POST', '/v1/facilities', admin, { kind: 'PUSKESMAS', code: `PKM-W${n}`, name: `Uji Pekerja ${n}`, kecamatanCode: '331311' });
  expect(registered.status).toBe(201);
  await until(async () => ((await call('GET', '/v1/facilities', admin)).body as ListedFacility[]).some((f) => f.facilityId === registered.body.facilityId), {
    what: 'the new Puskesmas in the facility list',
  });
}

describe('Projections in a worker process of their own (PROJECTION_WORKER, on by default)', () => {
  const dirs: string[] = [];
  const settings = () => {
    const dir = mkdtempSync(join(tmpdir(), 'nik-worker-'));
    dirs.push(dir);
    return {
      DATA_DIR: join(dir, 'data'),
      DATABASE_URL: '',
      PORT: '0',
      INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      INITIAL_AUDITOR_PASSWORD: 'worker-dukcapil-password-1',
    };
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts one worker, answers with read models already caught up, and a worker that dies is replaced', async () => {
    const gateway = await startGateway(settings());
    try {
      const workers = childrenRunning(gateway.child.pid!, 'projection-worker.js');
      expect(workers).toHaveLength(1);
      const call = gatewayClient(gateway.url);
      const admin = await signIn(call, 'admin', ADMIN_PASSWORD);
      // The first answer after start lists what the first start recorded: no polling here.
      expect(((await call('GET', '/v1/facilities', admin)).body as ListedFacility[]).length).toBe(SEEDED_FACILITIES.length);
      await aNewPuskesmasIsListed(call, admin);

      process.kill(workers[0]!, 'SIGKILL');
      const [replacement] = await until(
        async () => {
          const now = childrenRunning(gateway.child.pid!, 'projection-worker.js');
          return now.length === 1 && now[0] !== workers[0] && now;
        },
        { what: 'a new projection worker', timeoutMs: 30_000 },
      );
      expect(isRunning(replacement!)).toBe(true);
      await aNewPuskesmasIsListed(call, admin);
    } finally {
      gateway.child.kill('SIGTERM');
      expect((await gateway.exited).code).toBe(0);
    }
  });

  /**
   * Pauses the worker at a moment it holds no transaction. On the embedded default its transactions run in
   * the service's PGlite, one at a time: a worker paused inside one would hold the service's own writes too
   * (docs/architecture.md). The service's /health reads the database, so it answers only when no transaction
   * of the worker is open; otherwise the worker is resumed and paused again.
   */
  async function pauseBetweenTransactions(worker: number, url: string): Promise<void> {
    for (let attempt = 1; attempt <= 50; attempt++) {
      process.kill(worker, 'SIGSTOP');
      const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3_000) }).then(
        (res) => res.ok,
        () => false,
      );
      if (healthy) return;
      process.kill(worker, 'SIGCONT');
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('the worker was inside a transaction at every one of 50 pauses');
  }

  it('keeps the read models itself: while the worker is paused, a new Puskesmas is not listed; once it resumes, it is', async () => {
    const gateway = await startGateway(settings());
    const [worker] = childrenRunning(gateway.child.pid!, 'projection-worker.js');
    try {
      await pauseBetweenTransactions(worker!, gateway.url);
      const call = gatewayClient(gateway.url);
      const admin = await signIn(call, 'admin', ADMIN_PASSWORD);
      const n = `${process.pid % 1000}${Date.now() % 100_000}`;
      const registered = await call('POST', '/v1/facilities', admin, { kind: 'PUSKESMAS', code: `PKM-P${n}`, name: `Uji Jeda ${n}`, kecamatanCode: '331311' });
      expect(registered.status).toBe(201);
      const listed = async () =>
        ((await call('GET', '/v1/facilities', admin)).body as ListedFacility[]).some((f) => f.facilityId === registered.body.facilityId);
      // An observation window, not a wait for something: with projections in the service, the list would show it within ~100 ms.
      for (const end = Date.now() + 1_500; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 250))) expect(await listed()).toBe(false);
      process.kill(worker!, 'SIGCONT');
      await until(listed, { what: 'the new Puskesmas listed once the worker resumed', timeoutMs: 30_000 });
    } finally {
      process.kill(worker!, 'SIGCONT');
      gateway.child.kill('SIGTERM');
      expect((await gateway.exited).code).toBe(0);
    }
  });

  it('stops with the service: a clean stop stops it, and a killed service leaves no worker behind', async () => {
    const env = settings();
    const stopped = await startGateway(env);
    const [first] = childrenRunning(stopped.child.pid!, 'projection-worker.js');
    stopped.child.kill('SIGTERM');
    expect((await stopped.exited).code).toBe(0);
    expect(isRunning(first!)).toBe(false);

    const killed = await startGateway(env);
    const [second] = childrenRunning(killed.child.pid!, 'projection-worker.js');
    killed.child.kill('SIGKILL');
    await killed.exited;
    await until(async () => !isRunning(second!), { what: 'the orphaned worker to end' });
  });

  it('PROJECTION_WORKER=false keeps the projections in the service itself', async () => {
    const gateway = await startGateway({ ...settings(), PROJECTION_WORKER: 'false' });
    try {
      expect(childrenRunning(gateway.child.pid!, 'projection-worker.js')).toEqual([]);
      const call = gatewayClient(gateway.url);
      await aNewPuskesmasIsListed(call, await signIn(call, 'admin', ADMIN_PASSWORD));
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  });
});
