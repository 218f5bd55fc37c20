import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

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

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
