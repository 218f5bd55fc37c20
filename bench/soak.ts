/**
 * bench/soak: 10 minutes of mixed load on the real service process, at a fixed arrival rate well above a
 * regency's peak (21 Puskesmas registering, say, one patient a minute each: 0.35 lookups/s; default here
 * 20 requests/s, ~57x): NIK lookups and card reads, data balikan, report and compliance reads, sign-ins.
 * Reports throughput, latency percentiles per kind, errors, and the gateway's resident memory every 10 s
 * with its trend; the baseline, in the same run, is the first minute (latency and memory) against which
 * the last minute is compared. Target: RSS <= 250 MB and no growth trend.
 *
 *   npm run bench:soak       BENCH_SOAK_SECONDS=600 BENCH_SOAK_RATE=20 BENCH_SOAK_STORAGE=server|embedded
 *   (server: a throwaway PostgreSQL 15, fsync on unless BENCH_FSYNC=off; embedded: PGlite inside the process)
 *   The gateway runs with the Node flags of `npm start`; BENCH_SOAK_NODE_FLAGS replaces them (to compare).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistrySimulator } from '../src/infrastructure/registry/simulator/registry-simulator';
import { semesterOf } from '../src/modules/reporting/semester/semester';
import { benchDatabase } from './support/postgres';
import { gatewayNodeFlags, startGateway } from '../test/support/processes';
import { changedPassword, gatewayClient, signIn } from '../test/support/gateway-client';
import { extendFirstAgreement } from '../test/support/parties';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 20);
const STORAGE = process.env.BENCH_SOAK_STORAGE ?? 'server';
const FSYNC = process.env.BENCH_FSYNC !== 'off';
const NODE_FLAGS = process.env.BENCH_SOAK_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? gatewayNodeFlags();
const METRICS_TOKEN = 'soak-metrics-token-0123456789abcdef0123456789';

type Kind = 'lookup' | 'card-read' | 'balikan' | 'report' | 'compliance' | 'login';
const MIX: [Kind, number][] = [
  ['lookup', 0.55],
  ['card-read', 0.15],
  ['balikan', 0.15],
  ['report', 0.05],
  ['compliance', 0.05],
  ['login', 0.05],
];

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const db = STORAGE === 'server' ? await benchDatabase({ fsync: FSYNC }) : undefined;
  const simulator = await startRegistrySimulator({ userId: 'soak', password: 'soak-registry-password', balikanToken: 'soak-balikan-token' });
  const env = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'nik-soak-')),
    DATABASE_URL: db?.url ?? '',
    BALIKAN_KEY: Buffer.alloc(32, 4).toString('base64'),
    ACCESS_TOKEN_KEY: Buffer.alloc(32, 5).toString('base64'),
    AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    INITIAL_ADMIN_PASSWORD: 'soak-dinkes-password',
    INITIAL_AUDITOR_PASSWORD: 'soak-dukcapil-password',
    REGISTRY_URL: simulator.url,
    REGISTRY_USER_ID: 'soak',
    REGISTRY_PASSWORD: 'soak-registry-password',
    BALIKAN_URL: simulator.url,
    BALIKAN_TOKEN: 'soak-balikan-token',
    LOOKUPS_PER_HOUR: '100000',
    SIGN_IN_ATTEMPTS_PER_MINUTE: '100000', // 21 Puskesmas clerks signing in again, all from 127.0.0.1
    METRICS_TOKEN,
  };
  const { child, url } = await startGateway(env, NODE_FLAGS);
  const call = gatewayClient(url);
  try {
    const admin = await signIn(call, 'admin', 'soak-dinkes-password');
    // Dinkes proposes the addendum, Disdukcapil's seeded auditor confirms it.
    const auditor = await signIn(call, 'auditor', 'soak-dukcapil-password');
    await extendFirstAgreement(call, admin, auditor, '473.3/0915.12/IX/2024', '2099-09-15');
    const puskesmas = ((await call('GET', '/v1/facilities', admin)).body as unknown as { facilityId: string; kind: string }[]).filter(
      (f) => f.kind === 'PUSKESMAS',
    );
    const sites: { userId: string; token: string; readerId: string; found: { accessId: string; nik: string; verificationToken: string }[] }[] = [];
    for (const [i, p] of puskesmas.entries()) {
      const userId = `soak.${i}`;
      await call('POST', '/v1/operators', admin, { userId, password: 'soak-operator-password', role: 'PUSKESMAS_OPERATOR', facilityId: p.facilityId });
      const { readerId } = (await call('POST', `/v1/facilities/${p.facilityId}/card-readers`, admin, { samSerial: `SAM-SOAK-${i}` })).body;
      sites.push({ userId, readerId, token: await signIn(call, userId, 'soak-operator-password'), found: [] });
    }
    const people = [...simulator.samples.found, ...simulator.samples.deceased, ...simulator.samples.outsideRegency, ...simulator.samples.notFound];
    const { year, semester } = semesterOf(new Date());

    const samples: { kind: Kind; ms: number; at: number; ok: boolean }[] = [];
    const memory: [number, number][] = [];
    const heap: { used: number; total: number; external: number }[] = [];
    const sampleHeap = async () => {
      const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const mb = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
      heap.push({ used: mb('nodejs_heap_size_used_bytes'), total: mb('nodejs_heap_size_total_bytes'), external: mb('nodejs_external_memory_bytes') });
    };
    let seq = 0;
    const request = async (kind: Kind) => {
      const site = sites[seq++ % sites.length]!;
      const started = performance.now();
      let ok = false;
      try {
        switch (kind) {
          case 'lookup':
          case 'card-read': {
            const nik = people[seq % people.length]!;
            const res =
              kind === 'lookup'
                ? await call('POST', '/v1/access/nik-lookups', site.token, { nik })
                : await call('POST', '/v1/access/card-reads', site.token, { readerId: site.readerId, nik, fingerprint: 'MATCHED' });
            ok = res.status === 200 || res.status === 404;
            if (res.status === 200) site.found.push({ accessId: res.body.accessId, nik, verificationToken: res.body.verificationToken });
            if (site.found.length > 50) site.found.shift();
            break;
          }
          case 'balikan': {
            const access = site.found[seq % Math.max(1, site.found.length)];
            if (!access) return;
            ok =
              (
                await call('POST', '/v1/balikan', site.token, {
                  accessId: access.accessId,
                  nik: access.nik,
                  verificationToken: access.verificationToken,
                  bloodType: 'O',
                })
              ).status === 202;
            break;
          }
          case 'report':
            ok = (await call('GET', `/v1/reports/semester/${year}/${semester}`, auditor)).status === 200;
            break;
          case 'compliance':
            ok = (await call('GET', '/v1/compliance/obligations', auditor)).status === 200;
            break;
          case 'login': {
            const res = await call('POST', '/v1/auth/login', undefined, { userId: site.userId, password: changedPassword('soak-operator-password') });
            ok = res.status === 200;
            if (ok) site.token = res.body.accessToken; // a clerk signing in again as her token ages
            break;
          }
        }
      } catch {
        ok = false;
      }
      samples.push({ kind, ms: performance.now() - started, at: Date.now(), ok });
    };

    const pick = (): Kind => {
      let r = Math.random();
      for (const [kind, share] of MIX) if ((r -= share) < 0) return kind;
      return 'lookup';
    };
    const startedAt = Date.now();
    const inFlight = new Set<Promise<void>>();
    memory.push([0, rssMb(child.pid!)]);
    const sampler = setInterval(() => {
      memory.push([(Date.now() - startedAt) / 1000, rssMb(child.pid!)]);
      void sampleHeap().catch(() => undefined);
    }, 10_000);
    // Open loop: requests are sent on schedule whether or not earlier ones answered.
    let sent = 0;
    while (Date.now() - startedAt < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - startedAt) / 1000) * RATE);
      while (sent < due) {
        const p = request(pick()).finally(() => inFlight.delete(p));
        inFlight.add(p);
        sent++;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(inFlight);
    clearInterval(sampler);
    memory.push([(Date.now() - startedAt) / 1000, rssMb(child.pid!)]);

    const elapsed = (Date.now() - startedAt) / 1000;
    const errors = samples.filter((s) => !s.ok).length;
    console.log(
      `bench/soak — ${db?.settings ?? 'embedded PGlite'}; gateway: node ${NODE_FLAGS.join(' ') || '(no flags)'}; ${elapsed.toFixed(0)} s at ${RATE} requests/s scheduled (open loop), ${sites.length} Puskesmas`,
    );
    console.log(
      `throughput: ${(samples.length / elapsed).toFixed(1)} requests/s answered, ${samples.length} requests, ${errors} errors (${((100 * errors) / samples.length).toFixed(2)}%)`,
    );
    console.log('kind        count   p50 ms   p95 ms   p99 ms');
    for (const [kind] of MIX) {
      const ms = samples
        .filter((s) => s.kind === kind)
        .map((s) => s.ms)
        .sort((a, b) => a - b);
      console.log(
        `${kind.padEnd(11)} ${String(ms.length).padStart(5)} ${percentile(ms, 0.5).toFixed(1).padStart(8)} ${percentile(ms, 0.95).toFixed(1).padStart(8)} ${percentile(ms, 0.99).toFixed(1).padStart(8)}`,
      );
    }
    const minute = (from: number, to: number) =>
      samples
        .filter((s) => s.at - startedAt >= from * 1000 && s.at - startedAt < to * 1000)
        .map((s) => s.ms)
        .sort((a, b) => a - b);
    const [first, last] = [minute(0, 60), minute(elapsed - 60, elapsed)];
    console.log(
      `latency, first minute (baseline) vs last minute: p50 ${percentile(first, 0.5).toFixed(1)} -> ${percentile(last, 0.5).toFixed(1)} ms, p99 ${percentile(first, 0.99).toFixed(1)} -> ${percentile(last, 0.99).toFixed(1)} ms (ratio ${(percentile(last, 0.99) / Math.max(0.1, percentile(first, 0.99))).toFixed(2)}x)`,
    );
    const rss = memory.map(([, mb]) => mb);
    const secondHalf = memory.filter(([t]) => t >= elapsed / 2);
    console.log(`gateway RSS every 10 s (MB): ${rss.map((m) => m.toFixed(0)).join(' ')}`);
    console.log(
      `V8 heap used / heap total / external every 10 s (MB): ${heap.map((h) => `${h.used.toFixed(0)}/${h.total.toFixed(0)}/${h.external.toFixed(0)}`).join(' ')}`,
    );
    console.log(
      `RSS max ${Math.max(...rss).toFixed(0)} MB (target <= 250), last/first-minute ${(rss[rss.length - 1]! / rss[Math.min(6, rss.length - 1)]!).toFixed(2)}x, trend over the second half ${(slope(secondHalf) * 60).toFixed(2)} MB/min`,
    );
  } finally {
    child.kill('SIGTERM');
    await simulator.stop();
    db?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
