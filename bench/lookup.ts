/**
 * bench/lookup: NIK lookups per second and latency through the full API (network check, guard, access
 * policies, NIK check, registry call, event append, logging at info) against the built-in simulator with
 * no added latency, beside calling that simulator directly with the same HTTP load generator
 * (autocannon) and concurrency, in one run. The gateway runs as its own process (`node dist/src/main.js`,
 * embedded PGlite unless DATABASE_URL is set); the load comes from this process.
 *
 *   npm run bench:lookup           BENCH_CONNECTIONS=32 BENCH_SECONDS=10
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../test/support/processes';
import { gatewayClient, signIn } from '../test/support/gateway-client';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nik-bench-lookup-'));
  const {
    child,
    exited,
    output: started,
    url: api,
  } = await startGateway({
    DATA_DIR: dir,
    PORT: '0',
    REGISTRY_URL: '',
    LOG_LEVEL: 'info',
    INITIAL_ADMIN_PASSWORD: 'bench-dinkes-password',
    INITIAL_AUDITOR_PASSWORD: 'bench-dukcapil-password',
    LOOKUPS_PER_HOUR: '100000',
  });
  try {
    const simulator = /"samples":"(http:\/\/127\.0\.0\.1:\d+)\/simulator\/samples"/.exec(started)![1]!;
    const post = async (path: string, body: unknown, token?: string) =>
      (await (
        await fetch(`${api}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        })
      ).json()) as Record<string, any>;
    const call = gatewayClient(api);
    const admin = await signIn(call, 'admin', 'bench-dinkes-password');
    const agreements = (await (await fetch(`${api}/v1/agreements/`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { agreementId: string }[];
    let facilities: { facilityId: string; kind: string }[] = [];
    while (facilities.length < 22)
      facilities = (await (await fetch(`${api}/v1/facilities`, { headers: { authorization: `Bearer ${admin}` } })).json()) as typeof facilities;
    // Dinkes proposes the addendum, Disdukcapil's seeded auditor confirms it.
    const auditor = await signIn(call, 'auditor', 'bench-dukcapil-password');
    const proposed = await post(`/v1/agreements/${agreements[0]!.agreementId}/extensions`, { addendumNumber: 'BENCH/1/2026', validUntil: '2099-12-31' }, admin);
    await post(`/v1/agreements/${agreements[0]!.agreementId}/changes/${proposed.change.changeId}/confirmation`, {}, auditor);
    await post(
      '/v1/operators',
      {
        userId: 'bench.loket',
        password: 'bench-operator-pw',
        role: 'PUSKESMAS_OPERATOR',
        facilityId: facilities.find((f) => f.kind === 'PUSKESMAS')!.facilityId,
      },
      admin,
    );
    const operator = await signIn(call, 'bench.loket', 'bench-operator-pw');
    const samples = (await (await fetch(`${simulator}/simulator/samples`)).json()) as { found: string[] };
    const nik = samples.found[0]!;

    const run = (url: string, headers: Record<string, string>, body: unknown) =>
      autocannon({
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    if (!process.env.BENCH_GATEWAY_ONLY) await run(`${api}/v1/access/nik-lookups`, { authorization: `Bearer ${operator}` }, { nik }); // warm-up, discarded
    // BENCH_GATEWAY_ONLY=1 skips the direct run (for profiling the gateway alone with CHILD_NODE_ARGS=--cpu-prof).
    const direct = process.env.BENCH_GATEWAY_ONLY
      ? null
      : await run(`${simulator}/dukcapil/get_json/BENCH/CALL_NIK`, {}, { NIK: nik, user_id: 'simulator', password: 'simulator', IP_USER: '127.0.0.1' });
    const gateway = await run(`${api}/v1/access/nik-lookups`, { authorization: `Bearer ${operator}` }, { nik });

    const row = (name: string, r: autocannon.Result) =>
      `${name.padEnd(22)} | ${r.requests.average.toFixed(0).padStart(7)} | ${String(r.latency.p50).padStart(7)} | ${String(r.latency.p99).padStart(7)} | ${r.non2xx + r.errors}`;
    console.log(
      `bench/lookup — ${CONNECTIONS} connections, ${SECONDS} s each, gateway on embedded PGlite${process.env.DATABASE_URL ? ' (DATABASE_URL set: PostgreSQL server)' : ''}, logging at info, simulator with no added latency`,
    );
    console.log('target                 |   req/s | p50 ms  | p99 ms  | non-2xx+errors');
    console.log(row('gateway (full API)', gateway));
    if (!direct) return;
    console.log(row('registry directly', direct));
    console.log(
      `gateway adds ${(gateway.latency.p50 - direct.latency.p50).toFixed(1)} ms at p50 (target <= 3) and keeps ${((gateway.requests.average / direct.requests.average) * 100).toFixed(0)}% of the direct throughput (target >= 50%)`,
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
