import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { EventStoreDbEventStoreAdapter } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter';
import { PostgresEventStoreAdapter } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter';
import { EventRejectedError, StoreUnavailableError, WrongExpectedRevisionError } from '../../src/infrastructure/event-store/errors';
import { START, comparePositions, type RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { counted, openStore, storeTargets, streamId } from '../support/targets';
import { until } from '../support/until';

/**
 * The contract every event-store adapter keeps, run against each reachable one: embedded PGlite always,
 * a PostgreSQL server when DATABASE_URL is set, EventStoreDB when EVENTSTORE_CONNECTION_STRING is set.
 * An unreachable target is reported as skipped by name, never passed silently.
 */
for (const target of storeTargets) {
  const suite = target.url ? describe : describe.skip;
  const title = target.url ? `Event store contract on ${target.name}` : `Event store contract on ${target.name} — SKIPPED: ${target.skipReason}`;

  suite(title, () => {
    let ctx: Awaited<ReturnType<typeof openStore>>;
    beforeAll(async () => {
      ctx = await openStore(target);
    });
    afterAll(async () => {
      await ctx?.close();
    });

    it('records a new stream with its envelope and reads it back in revision order', async () => {
      const id = streamId();
      const correlationId = randomUUID();
      const occurredAt = new Date('2025-03-04T05:06:07.089Z');
      const result = await ctx.store.appendToStream(
        id,
        [
          { type: 'FixtureCounted', data: { key: 'a', amount: 1 }, correlationId, occurredAt },
          { type: 'FixtureCounted', data: { key: 'b', amount: 2 }, correlationId, occurredAt },
        ],
        { expectedRevision: 'no_stream' },
      );
      expect(result.nextExpectedRevision).toBe(1n);

      const events = await ctx.store.readStream(id);
      expect(events.map((e) => [e.revision, e.type, e.schemaVersion, e.data])).toEqual([
        [0n, 'FixtureCounted', 1, { key: 'a', amount: 1 }],
        [1n, 'FixtureCounted', 1, { key: 'b', amount: 2 }],
      ]);
      expect(events[0]!.streamId).toBe(id);
      expect(events[0]!.correlationId).toBe(correlationId);
      expect(events[0]!.causationId).toBeNull();
      expect(events[0]!.occurredAt.toISOString()).toBe(occurredAt.toISOString());
      expect(comparePositions(events[0]!.globalPosition, events[1]!.globalPosition)).toBeLessThan(0);
      expect(comparePositions(result.position, events[1]!.globalPosition)).toBe(0);
    });

    it('reads a stream that does not exist as empty, and a stream from a revision with a limit', async () => {
      expect(await ctx.store.readStream(streamId())).toEqual([]);
      const id = streamId();
      await ctx.store.appendToStream(
        id,
        [1, 2, 3, 4, 5].map((n) => counted(n)),
      );
      const slice = await ctx.store.readStream(id, { fromRevision: 2n, maxCount: 2 });
      expect(slice.map((e) => [e.revision, e.data.amount])).toEqual([
        [2n, 3],
        [3n, 4],
      ]);
    });

    it('reads the newest events of a stream first when asked to read backwards', async () => {
      const id = streamId();
      await ctx.store.appendToStream(
        id,
        Array.from({ length: 12 }, (_, n) => counted(n)),
      );
      const newest = await ctx.store.readStream(id, { backwards: true, maxCount: 3 });
      expect(newest.map((e) => [e.revision, e.data.amount])).toEqual([
        [11n, 11],
        [10n, 10],
        [9n, 9],
      ]);
      expect(await ctx.store.readStream(streamId(), { backwards: true, maxCount: 3 })).toEqual([]);
    });

    it('keeps revision order past ten events (revisions compare as numbers, not text)', async () => {
      const id = streamId();
      await ctx.store.appendToStream(
        id,
        Array.from({ length: 12 }, (_, n) => counted(n)),
      );
      for (let n = 12; n < 25; n++) await ctx.store.appendToStream(id, [counted(n)], { expectedRevision: BigInt(n - 1) });
      const events = await ctx.store.readStream(id);
      expect(events.map((e) => e.data.amount)).toEqual(Array.from({ length: 25 }, (_, n) => n));
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 25 }, (_, n) => BigInt(n)));
    });

    it('appends at an exact revision and refuses a stale one, naming the actual revision', async () => {
      const id = streamId();
      await ctx.store.appendToStream(id, [counted(1)], { expectedRevision: 'no_stream' });
      await ctx.store.appendToStream(id, [counted(2)], { expectedRevision: 0n });
      const stale = ctx.store.appendToStream(id, [counted(3)], { expectedRevision: 0n });
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(stale).rejects.toMatchObject({ streamId: id, expected: 0n, actual: 1n });
      expect((await ctx.store.readStream(id)).map((e) => e.data.amount)).toEqual([1, 2]);
    });

    it('refuses "no stream" on an existing stream and an exact revision on a missing one', async () => {
      const id = streamId();
      await ctx.store.appendToStream(id, [counted(1)], { expectedRevision: 'no_stream' });
      await expect(ctx.store.appendToStream(id, [counted(2)], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        code: 'WRONG_EXPECTED_REVISION',
        actual: 0n,
      });
      const missing = streamId();
      await expect(ctx.store.appendToStream(missing, [counted(1)], { expectedRevision: 3n })).rejects.toMatchObject({
        code: 'WRONG_EXPECTED_REVISION',
        actual: 'no_stream',
      });
      expect(await ctx.store.readStream(missing)).toEqual([]);
    });

    it('appends with "any" whatever the stream holds', async () => {
      const id = streamId();
      await ctx.store.appendToStream(id, [counted(1)], { expectedRevision: 'any' });
      const result = await ctx.store.appendToStream(id, [counted(2), counted(3)], { expectedRevision: 'any' });
      expect(result.nextExpectedRevision).toBe(2n);
    });

    it('lets exactly one of several concurrent writers at the same revision win', async () => {
      const id = streamId();
      await ctx.store.appendToStream(id, [counted(0)], { expectedRevision: 'no_stream' });
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => ctx.store.appendToStream(id, [counted(i + 1)], { expectedRevision: 0n })));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(7);
      for (const o of lost) expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await ctx.store.readStream(id)).toHaveLength(2);
    });

    it('lets concurrent "any" appends to one stream all succeed, each at its own revision', async () => {
      const id = streamId();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ctx.store.appendToStream(id, [counted(i)], { expectedRevision: 'any' })));
      expect(results.map((r) => r.nextExpectedRevision).sort((a, b) => Number(a - b))).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
      const events = await ctx.store.readStream(id);
      expect(events.map((e) => e.data.amount).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it('writes nothing of an append when one of its events is refused by the privacy guard', async () => {
      const id = streamId();
      const before = await readEverything(ctx.store);
      const refused = ctx.store.appendToStream(id, [counted(1), { type: 'FixtureLookupRecorded', data: { accessId: '3313011209900001' } }]);
      await expect(refused).rejects.toBeInstanceOf(EventRejectedError);
      await expect(refused).rejects.toMatchObject({ code: 'PERSONAL_DATA_REFUSED' });
      expect(await ctx.store.readStream(id)).toEqual([]);
      expect((await readEverything(ctx.store)).length).toBe(before.length);
    });

    it('names the last event of the global order as its head, and tells whether events lie past a position', async () => {
      const first = await ctx.store.appendToStream(streamId(), [counted(1)]);
      const last = await ctx.store.appendToStream(streamId(), [counted(2), counted(3)]);
      expect(await ctx.store.headPosition()).toEqual(last.position);
      expect(await ctx.store.hasEventsAfter(first.position)).toBe(true);
      expect(await ctx.store.hasEventsAfter(last.position)).toBe(false);
      // Looking back no further than a position: past it when an event lies past it, else not.
      expect(comparePositions(await ctx.store.headPosition(first.position), first.position)).toBeGreaterThan(0);
      expect(comparePositions(await ctx.store.headPosition(last.position), last.position)).toBe(0);
      // The event at a position is the one appended there; none at a position the store never gave.
      const at = await until(() => ctx.store.eventAt(last.position), { what: 'the last event readable', timeoutMs: 60_000 });
      expect(at.data).toEqual({ key: 'a', amount: 3 });
      expect(await ctx.store.eventAt({ commit: last.position.commit + 1000n, prepare: last.position.prepare + 1000n })).toBeUndefined();
    });

    it('reads the global order from a position, strictly after it', async () => {
      const id = streamId();
      await ctx.store.appendToStream(
        id,
        [1, 2, 3].map((n) => counted(n)),
      );
      // On a server, the global order shows an event once no older transaction of the whole database is
      // still open (the late-commit guard): another suite's transaction may hold these back for a moment.
      const { all, mine } = await until(
        async () => {
          const all = await readEverything(ctx.store);
          const mine = all.filter((e) => e.streamId === id);
          return mine.length >= 3 && { all, mine };
        },
        { what: 'the three events in the global order', timeoutMs: 60_000, everyMs: 50 },
      );
      expect(mine.map((e) => e.data.amount)).toEqual([1, 2, 3]);
      const after = await ctx.store.readAll({ after: mine[0]!.globalPosition, maxCount: 2 });
      expect(after[0]!.eventId).not.toBe(mine[0]!.eventId);
      expect(comparePositions(after[0]!.globalPosition, mine[0]!.globalPosition)).toBeGreaterThan(0);
      for (let i = 1; i < all.length; i++) {
        expect(comparePositions(all[i - 1]!.globalPosition, all[i]!.globalPosition)).toBeLessThan(0);
      }
    });

    it('delivers every event exactly once and in stream order to a subscriber while 8 writers append 500 events each', async () => {
      const writers = 8;
      const perWriter = 500;
      const streams = Array.from({ length: writers }, () => streamId('load'));
      const start = (await readEverything(ctx.store)).at(-1)?.globalPosition ?? START;
      const seen = new Map<string, bigint[]>(streams.map((s) => [s, []]));
      const eventIds = new Set<string>();
      let received = 0;
      const controller = new AbortController();

      const subscriber = (async () => {
        for await (const batch of ctx.store.subscribeToAll({ after: start, batchSize: 200, pollIntervalMs: 20, signal: controller.signal })) {
          for (const event of batch.events) {
            const revisions = seen.get(event.streamId);
            if (!revisions) continue;
            expect(eventIds.has(event.eventId)).toBe(false);
            eventIds.add(event.eventId);
            revisions.push(event.revision);
            received++;
          }
          if (received === writers * perWriter) controller.abort();
        }
      })();

      await Promise.all(
        streams.map(async (id) => {
          for (let i = 0; i < perWriter; i++) {
            await ctx.store.appendToStream(id, [counted(i % 1000)], { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1) });
          }
        }),
      );
      await subscriber;

      expect(received).toBe(writers * perWriter);
      for (const revisions of seen.values()) {
        expect(revisions).toEqual(Array.from({ length: perWriter }, (_, i) => BigInt(i)));
      }
    });
  });
}

it('reports a PostgreSQL server that cannot be reached as StoreUnavailableError', async () => {
  const pool = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
  const adapter = new PostgresEventStoreAdapter(pool);
  await expect(adapter.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(adapter.append('x-1', [], 'any')).rejects.toBeInstanceOf(StoreUnavailableError);
  await pool.end();
});

it('reports an EventStoreDB that cannot be reached as StoreUnavailableError (client against a closed port)', async () => {
  const adapter = new EventStoreDbEventStoreAdapter('esdb://127.0.0.1:1?tls=false&defaultDeadline=3000');
  const prepared = [
    {
      eventId: randomUUID(),
      type: 'FixtureCounted',
      schemaVersion: 1,
      data: { key: 'a', amount: 1 },
      occurredAt: new Date(),
      correlationId: null,
      causationId: null,
    },
  ];
  await expect(adapter.append('fixture-1', prepared, 'any')).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(adapter.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
  await adapter.close();
});

async function readEverything(store: { readAll(o: { after?: RecordedEvent['globalPosition']; maxCount: number }): Promise<RecordedEvent[]> }) {
  const all: RecordedEvent[] = [];
  let after = START;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 1000 });
    if (batch.length === 0) return all;
    all.push(...batch);
    after = batch.at(-1)!.globalPosition;
  }
}
