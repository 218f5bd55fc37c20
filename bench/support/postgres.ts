import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Pool } from 'pg';
import { openInfrastructure, type GatewayInfrastructure, type OpenOptions } from '../../src/composition/open-infrastructure';
import { loadConfig } from '../../src/infrastructure/config/config';

/**
 * The PostgreSQL 15 server a benchmark runs against: DATABASE_URL if given, else a throwaway server
 * started with .ci/postgres.sh with the durability settings asked for (fsync on by default).
 */
export async function benchDatabase(options: { fsync: boolean }): Promise<{ url: string; settings: string; stop(): void }> {
  const script = join(__dirname, '..', '..', '..', '.ci', 'postgres.sh');
  let url = process.env.DATABASE_URL;
  let stop = () => undefined as void;
  if (!url) {
    const dir = join(mkdtempSync(join(tmpdir(), 'nik-bench-')), 'pg');
    const port = String(56000 + Math.floor(Math.random() * 1000));
    const opts = options.fsync ? ['fsync=on', 'synchronous_commit=on'] : ['fsync=off', 'synchronous_commit=off'];
    execFileSync(script, ['start', dir, port, ...opts, 'shared_buffers=256MB'], { stdio: 'inherit' });
    stop = () => void execFileSync(script, ['stop', dir], { stdio: 'inherit' });
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT current_setting('server_version') AS v, current_setting('fsync') AS f, current_setting('synchronous_commit') AS s`,
  );
  await client.end();
  return { url, settings: `PostgreSQL ${rows[0].v}, fsync=${rows[0].f}, synchronous_commit=${rows[0].s}`, stop };
}

/** The median; of an even count, the mean of the two middle values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

export const secondsSince = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

type BenchDatabase = Awaited<ReturnType<typeof benchDatabase>>;

/** A bench database with the application's infrastructure opened on it (logs silent); both closed after `run`. */
export async function withBenchInfrastructure(
  fsync: boolean,
  options: OpenOptions,
  run: (db: BenchDatabase, infra: GatewayInfrastructure) => Promise<void>,
): Promise<void> {
  const db = await benchDatabase({ fsync });
  try {
    const infra = await openInfrastructure(
      loadConfig({
        DATABASE_URL: db.url,
        LOG_LEVEL: 'silent',
        BALIKAN_KEY: Buffer.alloc(32, 1).toString('base64'),
        ACCESS_TOKEN_KEY: Buffer.alloc(32, 2).toString('base64'),
        AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
        REGISTRY_BUILTIN_SIMULATOR: 'true',
      }),
      options,
    );
    try {
      await run(db, infra);
    } finally {
      await infra.close();
    }
  } finally {
    db.stop();
  }
}

/**
 * Seeding, which is not what is measured: valid FixtureCounted events numbered [from, to), 10 per stream
 * `${streamPrefix}N`, written by INSERT ... SELECT in transactions of 100,000 so that the global order spans
 * many transaction ids, as real appends do; then ANALYZE.
 */
export async function seedFixtureCounted(pool: Pool, from: number, to: number, streamPrefix: string): Promise<void> {
  for (let start = from; start < to; start += 100_000) {
    await pool.query(
      `INSERT INTO es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at)
       SELECT gen_random_uuid(), $3 || (g / 10), g % 10, 'FixtureCounted', 1,
              jsonb_build_object('key', 'k' || (g % 7), 'amount', g % 100),
              timestamptz '2025-01-01' + (g || ' seconds')::interval
       FROM generate_series($1::int, $2::int - 1) g`,
      [start, Math.min(start + 100_000, to), streamPrefix],
    );
  }
  await pool.query('ANALYZE es_events');
}
