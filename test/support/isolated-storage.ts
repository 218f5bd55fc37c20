import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Storage of its own for a suite that runs the service as real processes: a fresh database on the
 * PostgreSQL server when `serverUrl` is given, else a fresh embedded data directory.
 */
export async function isolatedStorage(serverUrl: string | undefined, prefix: string): Promise<{ env: NodeJS.ProcessEnv; cleanup(): Promise<void> }> {
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), `nik-${prefix}-`));
    return { env: { DATA_DIR: dir, DATABASE_URL: '' }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const database = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  // The keys a server requires (every instance the same); the signing key and the simulator come from global-setup.
  const keys = { BALIKAN_KEY: Buffer.alloc(32, 21).toString('base64'), ACCESS_TOKEN_KEY: Buffer.alloc(32, 22).toString('base64') };
  return { env: { DATABASE_URL: url.toString(), ...keys }, cleanup: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}

/**
 * A suite run on the embedded default, and again on the PostgreSQL server when DATABASE_URL is set (else
 * registered as skipped, saying why). `body` receives the server URL, or undefined for embedded.
 */
export function describeOnEachStorage(title: string, body: (server: string | undefined) => void, embeddedName = 'embedded PGlite'): void {
  describe(`${title} on ${embeddedName}`, () => body(undefined));
  const server = process.env.DATABASE_URL;
  (server ? describe : describe.skip)(`${title} on PostgreSQL server${server ? '' : ' — SKIPPED: DATABASE_URL is not set'}`, () => body(server));
}
