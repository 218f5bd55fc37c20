/**
 * Idle memory of the gateway as `npm start` runs it, on the embedded default and on a PostgreSQL server:
 * the service's resident memory, where it goes (V8 heap, external memory: PGlite's WebAssembly memory is
 * an ArrayBuffer, so it shows there) and the projection worker the service forks.
 *
 *   npm run bench:memory                      (both storages; a throwaway PostgreSQL 15, or DATABASE_URL)
 *   BENCH_MEMORY_STORAGE=embedded npm run bench:memory
 *
 * "Idle": started, read models caught up, then resident memory steady (under 1 MB of change across ten
 * one-second samples, at most 90 s).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gatewayNodeFlags, startGateway } from '../test/support/processes';
import { isolatedStorage } from '../test/support/isolated-storage';
import { EMBEDDED_POSTGRES_SETTINGS } from '../src/infrastructure/database/embedded-postgres';
import { benchDatabase } from './support/postgres';

const METRICS_TOKEN = 'memory-bench-metrics-token-0123456789abcdef0123';
const MB = 1024 * 1024;

/** Resident memory of a process (VmRSS), in bytes; 0 once it has gone. */
function rssOf(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The processes a process forked (the projection worker). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function steady(pids: () => number[]): Promise<number> {
  const samples: number[] = [];
  const deadline = Date.now() + 90_000;
  for (;;) {
    samples.push(pids().reduce((sum, pid) => sum + rssOf(pid), 0));
    const last = samples.slice(-10);
    if (last.length === 10 && Math.max(...last) - Math.min(...last) < MB) return samples.length;
    if (Date.now() > deadline) return samples.length;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function metric(text: string, name: string): number {
  const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
  return Number(value ?? NaN);
}

/** One start of the gateway on `dataDir` (and the server's database, if any), measured once idle. */
async function measure(label: string, dataDir: string, db: { env: NodeJS.ProcessEnv } | null) {
  const started = await startGateway({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info', // startGateway waits for the 'listening' line
    DATA_DIR: dataDir,
    METRICS_TOKEN,
    ...(db
      ? {
          ...db.env,
          AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
          REGISTRY_BUILTIN_SIMULATOR: 'true',
        }
      : { DATABASE_URL: '', EVENTSTORE_CONNECTION_STRING: '' }),
  });
  try {
    const pid = started.child.pid!;
    const seconds = await steady(() => [pid, ...childrenOf(pid)]);
    const text = await (await fetch(`${started.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const workers = childrenOf(pid);
    return {
      label,
      serviceRssMb: rssOf(pid) / MB,
      heapUsedMb: metric(text, 'nodejs_heap_size_used_bytes') / MB,
      heapTotalMb: metric(text, 'nodejs_heap_size_total_bytes') / MB,
      externalMb: metric(text, 'nodejs_external_memory_bytes') / MB,
      workerRssMb: workers.reduce((sum, p) => sum + rssOf(p), 0) / MB,
      seconds,
    };
  } finally {
    started.child.kill('SIGTERM');
    await started.exited;
  }
}

/** The first start (a new database: on the embedded default PGlite's initdb runs in-process) and a restart. */
async function measureStorage(storage: 'embedded' | 'server', serverUrl?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'nik-memory-'));
  const db = storage === 'server' ? await isolatedStorage(serverUrl, 'bench_memory') : null;
  try {
    return [await measure(`${storage}, first start`, dataDir, db), await measure(`${storage}, restart`, dataDir, db)];
  } finally {
    await db?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const storages = (process.env.BENCH_MEMORY_STORAGE ?? 'embedded,server').split(',') as ('embedded' | 'server')[];
  const server = storages.includes('server') ? await benchDatabase({ fsync: false }) : null;
  try {
    console.log(`Node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / MB)} MB; gateway flags: ${gatewayNodeFlags().join(' ')}`);
    if (server) console.log(`server: ${server.settings}`);
    console.log(`embedded PostgreSQL settings: ${EMBEDDED_POSTGRES_SETTINGS.join(' ')}`);
    console.log('storage                 service RSS  heap used/total  external  worker RSS  total RSS  (MB; idle after s)');
    for (const storage of storages) {
      for (const m of await measureStorage(storage, server?.url)) {
        const f = (n: number) => n.toFixed(0).padStart(5);
        console.log(
          `${m.label.padEnd(23)} ${f(m.serviceRssMb)}        ${f(m.heapUsedMb)}/${f(m.heapTotalMb)}      ${f(m.externalMb)}     ${f(m.workerRssMb)}      ${f(m.serviceRssMb + m.workerRssMb)}      ${m.seconds}`,
        );
      }
    }
  } finally {
    server?.stop();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
