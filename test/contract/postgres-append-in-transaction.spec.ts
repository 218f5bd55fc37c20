import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { WrongExpectedRevisionError } from '../../src/infrastructure/event-store/errors';
import type { PostgresEventStoreAdapter } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter';
import { counted, openStore, postgresTargets, streamId } from '../support/targets';

const prepared = (amount: number) => ({
  eventId: randomUUID(),
  type: 'FixtureCounted',
  schemaVersion: 1,
  data: { key: 'tx', amount },
  occurredAt: new Date(),
  correlationId: null,
  causationId: null,
});

/** Appending as part of a caller's transaction (an event and another row, atomically). */
for (const target of postgresTargets) {
  const suite = target.url ? describe : describe.skip;
  suite(`Appending inside a caller's transaction on ${target.name}${target.url ? '' : ` — SKIPPED: ${target.skipReason}`}`, () => {
    let ctx: Awaited<ReturnType<typeof openStore>>;
    beforeAll(async () => {
      ctx = await openStore(target);
    });
    afterAll(async () => ctx?.close());

    it('reports a conflict and leaves the transaction usable, and commits or rolls back with it', async () => {
      const adapter = ctx.adapter as PostgresEventStoreAdapter;
      const id = streamId();
      await ctx.store.appendToStream(id, [counted(1)]);
      const client = await (ctx.pool as Pool).connect();
      try {
        await client.query('BEGIN');
        await expect(adapter.appendInTransaction(client, id, [prepared(2)], 'no_stream')).rejects.toMatchObject({
          constructor: WrongExpectedRevisionError,
          actual: 0n,
        });
        await adapter.appendInTransaction(client, id, [prepared(3)], 0n); // the transaction still works
        await client.query('ROLLBACK');
        expect((await ctx.store.readStream(id)).map((e) => e.data.amount)).toEqual([1]);

        await client.query('BEGIN');
        await adapter.appendInTransaction(client, id, [prepared(4)], 0n);
        await client.query('COMMIT');
        expect((await ctx.store.readStream(id)).map((e) => e.data.amount)).toEqual([1, 4]);
      } finally {
        client.release();
      }
    }, 15_000);
  });
}
