import { Pool } from 'pg';
import { StoreOrderBrokenError } from '../../src/infrastructure/event-store/errors';
import { PostgresEventStoreAdapter } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter';
import { counted, openStore, postgresTargets, streamId } from '../support/targets';

/**
 * PostgreSQL positions are transaction ids. pg_dump restores the stored ids as data into a cluster whose
 * own counter may be far behind them: every new event would then sort BEFORE the restored ones, past
 * which every projection's checkpoint already lies, and be skipped by all of them, silently. The adapter
 * refuses to start on such a store; the operator's fix (docs/operations.md) advances the counter.
 * Emulated by storing an event with a transaction id the database has not reached yet.
 */
const advanceCounter = (table: string) => `
  DO $$
  DECLARE n bigint := (SELECT max(transaction_id)::text::bigint FROM ${table}) - pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1;
  BEGIN
    FOR i IN 1..n LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP;
  END $$`;

describe.each(postgresTargets.filter((t) => t.url).map((t) => [t.name, t] as const))(
  'An event store restored into a database whose transaction counter is behind it, on %s',
  (_name, target) => {
    it('refuses to start, naming the cause, and starts once the documented fix advanced the counter', async () => {
      const ctx = await openStore(target);
      try {
        await ctx.store.appendToStream(streamId(), [counted(1)]);
        const pool = ctx.pool!;
        // As a restore leaves it: an event from a cluster whose counter had gone further than this one's.
        await pool.query(
          `INSERT INTO "${ctx.schema}".es_events (transaction_id, event_id, stream_id, revision, type, schema_version, data, occurred_at)
         SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 200)::text::xid8, gen_random_uuid(), $1, 0, 'FixtureCounted', 1, '{"key":"a","amount":2}', now()`,
          [streamId()],
        );

        const restarted = new PostgresEventStoreAdapter(pool, { schema: ctx.schema });
        const refused = await restarted.initialise().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(StoreOrderBrokenError);
        expect((refused as Error).message).toContain('docs/operations.md');

        // The fix, as documented (on its own connection, outside a transaction: each loop turn commits).
        const fix = new Pool({ connectionString: target.url, max: 1 });
        try {
          await fix.query(advanceCounter(`"${ctx.schema}".es_events`));
        } finally {
          await fix.end();
        }
        await expect(new PostgresEventStoreAdapter(pool, { schema: ctx.schema }).initialise()).resolves.toBeUndefined();
        const appended = await ctx.store.appendToStream(streamId(), [counted(3)]);
        expect(await ctx.store.headPosition()).toEqual(appended.position); // the new event is last in the order again
      } finally {
        await ctx.close();
      }
    });
  },
);
