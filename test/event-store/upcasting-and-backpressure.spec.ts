import { randomUUID } from 'node:crypto';
import type { EventStoreAdapter, ReadAllOptions } from '../../src/infrastructure/event-store/event-store.port';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import { counted, openStore, storeTargets, streamId, testEventSchemas } from '../support/targets';

const embedded = storeTargets[0]!;

describe('Reading events stored at an older schema version', () => {
  it('reads a lookup recorded at version 1 as version 2, with the renamed field and the new default', async () => {
    const ctx = await openStore(embedded);
    try {
      const id = streamId('access');
      const accessId = randomUUID();
      // Written as an older release of the gateway wrote it: straight to the adapter, version 1.
      await ctx.adapter.append(
        id,
        [
          {
            eventId: randomUUID(),
            type: 'FixtureLookupRecorded',
            schemaVersion: 1,
            data: { accessId, facilityCode: 'PKM01', channel: 'WEB_PORTAL', outcome: 'FOUND', registryMs: 420 },
            occurredAt: new Date(),
            correlationId: null,
            causationId: null,
          },
        ],
        'no_stream',
      );
      const [event] = await ctx.store.readStream(id);
      expect(event!.schemaVersion).toBe(2);
      expect(event!.data).toEqual({
        accessId,
        facilityCode: 'PKM01',
        channel: 'WEB_PORTAL',
        outcome: 'FOUND',
        registryLatencyMs: 420,
        holderOrigin: 'UNKNOWN',
      });
      const [viaAll] = (await ctx.store.readAll({ maxCount: 10 })).filter((e) => e.streamId === id);
      expect(viaAll!.data).toEqual(event!.data);
    } finally {
      await ctx.close();
    }
  });
});

describe('A catch-up subscription', () => {
  it('does not read the next batch until the consumer has finished the previous one', async () => {
    const ctx = await openStore(embedded);
    try {
      const id = streamId();
      await ctx.store.appendToStream(
        id,
        Array.from({ length: 30 }, (_, n) => counted(n)),
      );
      let reads = 0;
      const counting: EventStoreAdapter = Object.assign(Object.create(ctx.adapter), {
        readAll: (options: ReadAllOptions) => {
          reads++;
          return ctx.adapter.readAll(options);
        },
      });
      const store = new GuardedEventStore(counting, testEventSchemas());
      const iterator = store.subscribeToAll({ batchSize: 10 })[Symbol.asyncIterator]();

      const first = await iterator.next();
      expect(first.value!.events).toHaveLength(10);
      expect(reads).toBe(1); // the consumer is still "working" on batch 1: nothing more was fetched
      const second = await iterator.next();
      expect(reads).toBe(2);
      expect(second.value!.events[0]!.revision).toBe(10n);
      await iterator.return!(undefined);
    } finally {
      await ctx.close();
    }
  });

  it('says when it has caught up, and wakes up for an append made in this process', async () => {
    const ctx = await openStore(embedded);
    try {
      const iterator = ctx.store.subscribeToAll({ pollIntervalMs: 60_000 })[Symbol.asyncIterator]();
      const idle = await iterator.next();
      expect(idle.value).toMatchObject({ events: [], caughtUp: true });
      const next = iterator.next();
      const id = streamId();
      await ctx.store.appendToStream(id, [counted(7)]);
      const woken = await next; // a 60 s poll interval: only the append can have woken it within the test timeout
      expect(woken.value!.events.map((e: { streamId: string }) => e.streamId)).toEqual([id]);
      await iterator.return!(undefined);
    } finally {
      await ctx.close();
    }
  }, 10_000);
});

describe('In-process reactions to stored events', () => {
  it('are told of an append once it is stored, and of no append that was refused or lost a race', async () => {
    const ctx = await openStore(embedded);
    try {
      const told: { streamId: string; types: string[] }[] = [];
      const stop = ctx.store.onStored((appended) => told.push({ streamId: appended.streamId, types: appended.events.map((e) => e.type) }));
      const id = streamId('access');
      const data = { accessId: randomUUID(), facilityCode: 'PKM01', channel: 'WEB_PORTAL', outcome: 'FOUND', registryLatencyMs: 1, holderOrigin: 'IN_REGENCY' };
      await ctx.store.appendToStream(id, [{ type: 'FixtureLookupRecorded', data }], { expectedRevision: 'no_stream' });
      await expect(ctx.store.appendToStream(id, [{ type: 'FixtureLookupRecorded', data }], { expectedRevision: 'no_stream' })).rejects.toThrow();
      await expect(ctx.store.appendToStream(id, [{ type: 'FixtureLookupRecorded', data: { ...data, nik: '3313090101900001' } }])).rejects.toThrow();
      stop();
      await ctx.store.appendToStream(id, [{ type: 'FixtureLookupRecorded', data }]);
      expect(told).toEqual([{ streamId: id, types: ['FixtureLookupRecorded'] }]);
    } finally {
      await ctx.close();
    }
  });
});
