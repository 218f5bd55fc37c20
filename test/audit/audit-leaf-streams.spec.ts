import { describeOnEachStorage, isolatedStorage } from '../support/isolated-storage';
import { distPath, runScript, startGateway } from '../support/processes';

const cli = distPath('src', 'cli.js');
const storeSql = distPath('test', 'support', 'store-sql.js');

/*
 * Leaves notarised before the notary recorded each event's stream and revision get them, on the next start,
 * from the event store when it shares the database: an event id of an old access still finds its entry.
 */
describeOnEachStorage('Upgrading a log notarised without the events’ streams', (server) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  const sql = async (statement: string) => {
    const run = await runScript(storeSql, [statement], env);
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    const storage = await isolatedStorage(server, 'leafstreams');
    cleanup = storage.cleanup;
    env = { ...storage.env, LOG_LEVEL: 'warn', INITIAL_ADMIN_PASSWORD: 'leaf-streams-password' };
    // The service seeds the registers and notarises them; then it stops.
    const { child, exited } = await startGateway({ ...env, PORT: '0', LOG_LEVEL: 'info' });
    child.kill('SIGTERM');
    await exited;
  }, 120_000);
  afterAll(() => cleanup?.());

  it('fills each leaf’s stream and revision from the PostgreSQL event store when the migration runs', async () => {
    // The notary's table as the previous version left it: no location columns, the migration not yet run.
    await sql(`ALTER TABLE audit_leaves DROP COLUMN stream_id, DROP COLUMN revision; DELETE FROM migrations WHERE name = 'AuditLeafStreams1764892800000'`);
    const migrated = await runScript(cli, ['projections:list'], env);
    expect(migrated.stderr).toBe('');
    const [row] = await sql(
      `SELECT count(*)::int AS leaves,
              count(*) FILTER (WHERE l.stream_id = e.stream_id AND l.revision = e.revision)::int AS located
       FROM audit_leaves l LEFT JOIN es_events e USING (event_id)`,
    );
    expect(row!.leaves).toBeGreaterThan(0);
    expect(row!.located).toBe(row!.leaves);
  });
});
