/**
 * bench/lookup: NIK lookups through the gateway's full API against the floor of an audited lookup (the
 * least any gateway must do per lookup: bench/support/lookup-floor.ts), run alternately in the same run,
 * at concurrency 32 and 1, on a PostgreSQL server and on the embedded default. The registry simulator
 * answered directly is printed for reference. The gateway runs as `npm start` runs it (its own process,
 * its heap bound, logging at info); the floor is its own process; the load (autocannon) comes from this one.
 * Before each measured run the script waits until the gateway's process is idle (its projections caught
 * up), so one run's background work does not land in the next.
 *
 *   npm run bench:lookup     BENCH_SECONDS=8 BENCH_ROUNDS=2 BENCH_STORAGE=server,embedded
 *   DATABASE_URL=…           use this server instead of a throwaway PostgreSQL 15 (fsync off)
 *   BENCH_GATEWAY_ONLY=1     only the gateway, one round, c=32 (to profile it with CHILD_NODE_ARGS=--cpu-prof)
 *   BENCH_GATEWAY_ENV=K=V,…  extra settings for the gateway (what does LOG_LEVEL=warn or RUN_PROJECTIONS=false cost?)
 *   BENCH_NEST_FLOOR=1       also the floor's work on the gateway's framework (bench/support/nest-floor.ts), in each
 *                            round between floor and gateway: which share of the gap is the framework's
 */
import autocannon from 'autocannon';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenRunning, distPath, startGateway, startUntil } from '../test/support/processes';
import { gatewayClient, signIn } from '../test/support/gateway-client';
import { thePuskesmasList } from '../test/support/fixtures';
import { isolatedStorage } from '../test/support/isolated-storage';
import { benchDatabase, median } from './support/postgres';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const STORAGES = (process.env.BENCH_STORAGE ?? 'server,embedded').split(',') as Storage[];
const GATEWAY_ONLY = Boolean(process.env.BENCH_GATEWAY_ONLY);
const CONCURRENCIES = GATEWAY_ONLY ? [32] : [32, 1];
const NEST_FLOOR = Boolean(process.env.BENCH_NEST_FLOOR) && !GATEWAY_ONLY;

type Storage = 'server' | 'embedded';
type Target = 'registry directly' | 'floor' | 'floor on Nest' | 'gateway';
interface Target_ {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly pid?: number;
}
interface Measured {
  readonly storage: Storage;
  readonly target: Target;
  readonly connections: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
  /** CPU of the target's own process during the run, in cores (1.0 = one core busy throughout). */
  readonly cores: number | null;
}

const load = (target: Target_, connections: number, seconds: number) =>
  autocannon({
    url: target.url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...target.headers },
    body: JSON.stringify(target.body),
  });

/** CPU seconds a process has used so far (Linux /proc), user + system. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until each process, and the gateway's projection worker, used under 5% of a core over half a second
 * (at most 60 s, then says so): a worker still catching up after a gateway run must not slow the floor's run.
 */
async function quiet(given: number[]): Promise<void> {
  const pids = [...given, ...given.flatMap((pid) => childrenRunning(pid, 'projection-worker.js'))];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const before = pids.map(cpuSeconds);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (pids.every((pid, i) => cpuSeconds(pid) - before[i]! < 0.025)) return;
    if (Date.now() > deadline) return void console.log('  (a process stayed busy for 60 s; measuring anyway)');
  }
}

async function measureStorage(storage: Storage): Promise<Measured[]> {
  const db = storage === 'server' ? await benchDatabase({ fsync: false }) : null;
  const dirs = ['nik-bench-lookup-', 'nik-bench-floor-', 'nik-bench-nest-floor-'].map((prefix) => mkdtempSync(join(tmpdir(), prefix)));
  // A database of its own for the gateway and for the floor, on the same server with the same settings.
  const gatewayDb = db ? await isolatedStorage(db.url, 'bench_gateway') : null;
  const floorDb = db ? await isolatedStorage(db.url, 'bench_floor') : null;
  const processes: { kill(): void; exited: Promise<unknown> }[] = [];
  try {
    const started = await startGateway({
      ...(gatewayDb ? gatewayDb.env : { DATA_DIR: dirs[0], DATABASE_URL: '' }),
      PORT: '0',
      REGISTRY_URL: '',
      REGISTRY_BUILTIN_SIMULATOR: 'true',
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      LOG_LEVEL: 'info',
      INITIAL_ADMIN_PASSWORD: 'bench-dinkes-password',
      INITIAL_AUDITOR_PASSWORD: 'bench-dukcapil-password',
      LOOKUPS_PER_HOUR: '100000',
      BALIKAN_KEY: Buffer.alloc(32, 9).toString('base64'),
      ACCESS_TOKEN_KEY: Buffer.alloc(32, 10).toString('base64'),
      ...Object.fromEntries(
        (process.env.BENCH_GATEWAY_ENV ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => kv.split('=') as [string, string]),
      ),
    });
    processes.push({ kill: () => started.child.kill('SIGTERM'), exited: started.exited });
    const gateway = await gatewayTarget(started.url, started.simulatorUrl!, started.child.pid!);
    // Each floor its own process; on the embedded default each its own PGlite (its own directory).
    const startFloor = async (script: string, dataDir: string): Promise<Target_> => {
      const started = await startUntil(
        distPath('bench', 'support', script),
        [],
        floorDb ? { FLOOR_DATABASE_URL: floorDb.env.DATABASE_URL } : { FLOOR_DATA_DIR: dataDir },
        /floor listening \{.*\}\n/,
      );
      processes.push({ kill: () => started.child.kill('SIGTERM'), exited: started.exited });
      const announced = JSON.parse(/floor listening (\{.*\})\n/.exec(started.output)![1]!) as { url: string; token: string; nik: string };
      // The floor answers on any path; the floor on Nest on the gateway's route.
      return {
        url: `${announced.url}/v1/access/nik-lookups`,
        headers: { authorization: `Bearer ${announced.token}` },
        body: { nik: announced.nik },
        pid: started.child.pid,
      };
    };
    const floor = await startFloor('lookup-floor.js', dirs[1]!);
    const nestFloor = NEST_FLOOR ? await startFloor('nest-floor.js', dirs[2]!) : undefined;
    const direct: Target_ = {
      url: `${started.simulatorUrl}/dukcapil/get_json/BENCH/CALL_NIK`,
      headers: {},
      body: { NIK: (gateway.body as { nik: string }).nik, user_id: 'simulator', password: 'simulator', IP_USER: '127.0.0.1' },
    };
    const settings = db ? db.settings : 'embedded PGlite (each process its own, on its Unix socket)';
    console.log(`\n${storage}: ${settings}; ${SECONDS} s per run, ${ROUNDS} rounds, floor and gateway alternately`);

    const results: Measured[] = [];
    const measure = async (target: Target, t: Target_, connections: number) => {
      // The gateway's projection worker (a child process) works for it: its CPU is printed beside the gateway's own.
      const workers = t.pid ? childrenRunning(t.pid, 'projection-worker.js') : [];
      const cpuBefore = t.pid ? cpuSeconds(t.pid) : 0;
      const workersBefore = workers.map(cpuSeconds);
      const r = await load(t, connections, SECONDS);
      const cores = t.pid ? (cpuSeconds(t.pid) - cpuBefore) / SECONDS : null;
      const workerCores = workers.reduce((sum, pid, i) => sum + cpuSeconds(pid) - workersBefore[i]!, 0) / SECONDS;
      const m = { storage, target, connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed: r.non2xx + r.errors, cores };
      results.push(m);
      console.log(
        `  ${target.padEnd(18)} c=${String(connections).padEnd(3)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms${cores === null ? '' : `  process CPU ${cores.toFixed(2)} cores`}${workers.length ? ` + projection worker ${workerCores.toFixed(2)}` : ''}${m.failed ? `  FAILED ${m.failed}` : ''}`,
      );
    };
    // Warm-up (JIT, connection pools, prepared statements), discarded.
    if (!GATEWAY_ONLY) await load(floor, 32, 2);
    if (nestFloor) await load(nestFloor, 32, 2);
    await load(gateway, 32, 2);
    for (const connections of CONCURRENCIES) {
      if (!GATEWAY_ONLY) {
        await quiet([gateway.pid!]);
        await measure('registry directly', direct, connections);
      }
      for (let round = 0; round < (GATEWAY_ONLY ? 1 : ROUNDS); round++) {
        if (!GATEWAY_ONLY) {
          await quiet([gateway.pid!, floor.pid!]);
          await measure('floor', floor, connections);
        }
        if (nestFloor) {
          await quiet([gateway.pid!, floor.pid!, nestFloor.pid!]);
          await measure('floor on Nest', nestFloor, connections);
        }
        await quiet([gateway.pid!, floor.pid!, ...(nestFloor ? [nestFloor.pid!] : [])]);
        await measure('gateway', gateway, connections);
      }
    }
    return results;
  } finally {
    for (const p of processes) p.kill();
    await Promise.all(processes.map((p) => p.exited));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await gatewayDb?.cleanup();
    await floorDb?.cleanup();
    db?.stop();
  }
}

/** Signs in, extends the agreement (both parties), enrols a Puskesmas operator: a lookup target that answers 200. */
async function gatewayTarget(api: string, simulator: string, pid: number): Promise<Target_> {
  const call = gatewayClient(api);
  const admin = await signIn(call, 'admin', 'bench-dinkes-password');
  const [agreement] = (await call('GET', '/v1/agreements', admin)).body as { agreementId: string }[];
  const facilityId = (await thePuskesmasList(call, admin, { everyMs: 50 })).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
  const auditor = await signIn(call, 'auditor', 'bench-dukcapil-password');
  const proposed = await call('POST', `/v1/agreements/${agreement!.agreementId}/extensions`, admin, {
    addendumNumber: 'BENCH/1/2026',
    validUntil: '2099-12-31',
  });
  await call('POST', `/v1/agreements/${agreement!.agreementId}/changes/${proposed.body.change.changeId}/confirmation`, auditor, {});
  await call('POST', '/v1/operators', admin, { userId: 'bench.loket', password: 'bench-operator-pw', role: 'PUSKESMAS_OPERATOR', facilityId });
  const operator = await signIn(call, 'bench.loket', 'bench-operator-pw');
  const samples = (await (await fetch(`${simulator}/simulator/samples`)).json()) as { found: string[] };
  return { url: `${api}/v1/access/nik-lookups`, headers: { authorization: `Bearer ${operator}` }, body: { nik: samples.found[0]! }, pid };
}

function report(results: Measured[]): void {
  console.log('\nbench/lookup — one found NIK, POST, autocannon; the gateway with logging at info and its heap bound');
  console.log('storage  | target            | conc | req/s (each run)        | p50 ms (median) | p99 ms (median) | failed');
  const groups = new Map<string, Measured[]>();
  for (const m of results) groups.set(`${m.storage}|${m.target}|${m.connections}`, [...(groups.get(`${m.storage}|${m.target}|${m.connections}`) ?? []), m]);
  for (const runs of groups.values()) {
    const { storage, target, connections } = runs[0]!;
    console.log(
      `${storage.padEnd(8)} | ${target.padEnd(17)} | ${String(connections).padStart(4)} | ${runs
        .map((r) => r.rps.toFixed(0))
        .join(', ')
        .padEnd(
          23,
        )} | ${String(median(runs.map((r) => r.p50))).padStart(15)} | ${String(median(runs.map((r) => r.p99))).padStart(15)} | ${runs.reduce((n, r) => n + r.failed, 0)}`,
    );
  }
  if (GATEWAY_ONLY) return;
  const of = (storage: Storage, target: Target, connections: number) =>
    results.filter((m) => m.storage === storage && m.target === target && m.connections === connections);
  // Each round's gateway run against the floor run just before it (the machine's speed drifts between rounds).
  const pairs = (storage: Storage, connections: number) =>
    of(storage, 'gateway', connections).map((gateway, i) => ({ gateway, floor: of(storage, 'floor', connections)[i]! }));
  const list = (values: number[], digits: number) => values.map((v) => v.toFixed(digits)).join(', ');
  // Process CPU per lookup (ms): where the gap between floor and gateway is, independent of the machine's spare cores.
  const cpuPerLookup = (storage: Storage, target: Target) =>
    median(of(storage, target, 32).flatMap((m) => (m.cores === null ? [] : [(m.cores * 1000) / m.rps])));
  console.log('\nprocess CPU per lookup at c=32 (median; the gateway without its projection worker):');
  for (const storage of STORAGES) {
    const targets: Target[] = ['floor', ...(NEST_FLOOR ? (['floor on Nest'] as const) : []), 'gateway'];
    console.log(`  ${storage.padEnd(8)} ${targets.map((t) => `${t} ${cpuPerLookup(storage, t).toFixed(2)} ms`).join(', ')}`);
    if (NEST_FLOOR) {
      const framework = of(storage, 'floor on Nest', 32).map((nest, i) => nest.rps / of(storage, 'floor', 32)[i]!.rps);
      console.log(
        `  ${storage.padEnd(8)} c=32: floor on Nest / floor throughput = ${list(framework, 2)} → ${median(framework).toFixed(2)}× (the framework alone; information)`,
      );
    }
  }
  console.log('\nratios (each round against the floor run just before it; the median decides):');
  for (const storage of STORAGES) {
    const throughput = pairs(storage, 32).map(({ gateway, floor }) => gateway.rps / floor.rps);
    const ratio = median(throughput);
    console.log(
      `  ${storage.padEnd(8)} c=32: gateway / floor throughput = ${list(throughput, 2)} → ${ratio.toFixed(2)}× (target ≥ 0.50×: ${ratio >= 0.5 ? 'met' : 'MISSED'})`,
    );
    const added = pairs(storage, 1).map(({ gateway, floor }) => gateway.p50 - floor.p50);
    const p50 = median(added);
    console.log(`  ${storage.padEnd(8)} c=1:  gateway p50 − floor p50 = ${list(added, 0)} ms → +${p50} ms (target ≤ +2 ms: ${p50 <= 2 ? 'met' : 'MISSED'})`);
  }
}

async function main(): Promise<void> {
  const results: Measured[] = [];
  for (const storage of STORAGES) results.push(...(await measureStorage(storage)));
  report(results);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
