/**
 * Runs SQL straight against a storage, bypassing the application, as someone with database access would:
 * `node dist/test/support/store-sql.js "<sql>"` with DATA_DIR (embedded) or DATABASE_URL (server).
 * The tamper tests use it to alter the live log underneath the gateway. Prints the rows as JSON.
 */
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';

async function main(): Promise<void> {
  const sql = process.argv[2]!;
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: process.env.DATA_DIR! });
  const client = new Client({ connectionString: process.env.DATABASE_URL || embedded!.url });
  await client.connect();
  try {
    const result = await client.query(sql);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    process.stdout.write(`${JSON.stringify(last.rows ?? [])}\n`);
  } finally {
    await client.end();
    await embedded?.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
