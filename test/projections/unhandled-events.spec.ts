import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource, migrate } from '../../src/infrastructure/database/data-source';
import type { LogPosition, NewEvent, RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import { InMemoryEventStoreAdapter } from '../../src/infrastructure/event-store/in-memory/in-memory-event-store.adapter';
import type { Projection } from '../../src/infrastructure/projections/projection';
import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner';
import { testEventSchemas } from '../support/test-event-schemas';
import { until } from '../support/until';

/**
 * Most events concern few read models: a stream of lookups means nothing to the registers. A projection
 * must not open a transaction for a batch it has nothing to do with (the service runs several, all woken
 * by every append), and yet its checkpoint must reach the end of the log, for the lag figures and the
 * reports' freshness check. The log is in memory (each test its own); checkpoints are in the database.
 */
const lookup = (): NewEvent => ({
  type: 'FixtureLookupRecorded',
  data: { accessId: randomUUID(), facilityCode: 'PKM01', channel: 'WEB_PORTAL', outcome: 'FOUND', registryLatencyMs: 5, holderOrigin: 'IN_REGENCY' },
});
const counted = (amount: number): NewEvent => ({ type: 'FixtureCounted', data: { key: 'a', amount } });

/** Handles lookups only; remembers what it was given. */
class LookupsOnly implements Projection {
  readonly name = `lookups-only-${randomUUID().slice(0, 8)}`;
  readonly handles = ['FixtureLookupRecorded'];
  readonly applied: RecordedEvent[][] = [];
  async apply(events: readonly RecordedEvent[], _tx: EntityManager): Promise<void> {
    this.applied.push([...events]);
  }
  async reset(): Promise<void> {}
}

const storages: [string, string | undefined][] = [['embedded PGlite', process.env.TEST_EMBEDDED_URL]];
if (process.env.DATABASE_URL) storages.push(['PostgreSQL server', process.env.DATABASE_URL]);

describe.each(storages)('A projection given events it does not handle, its checkpoint on %s', (_name, url) => {
  let db: DataSource;
  let store: GuardedEventStore;
  let runner: ProjectionRunner;
  let transactions: jest.SpyInstance;

  beforeAll(async () => {
    db = createDataSource(url!);
    await db.initialize();
    await migrate(db);
  });
  afterAll(() => db.destroy());
  beforeEach(() => {
    store = new GuardedEventStore(new InMemoryEventStoreAdapter(), testEventSchemas());
    runner = new ProjectionRunner(store, db);
    transactions = jest.spyOn(db, 'transaction');
  });
  afterEach(() => transactions.mockRestore());

  /** The checkpoint as stored in the database, as another process (the CLI, another instance) reads it. */
  const stored = async (name: string) => (await new ProjectionRunner(store, db).status(name)).position;
  const append = async (events: NewEvent[]): Promise<LogPosition> => (await store.appendToStream(`fixture-${randomUUID()}`, events)).position;
  const appendUnhandled = async (count: number): Promise<LogPosition> => {
    let end!: LogPosition;
    for (let i = 0; i < count; i += 10) end = await append(Array.from({ length: 10 }, (_, j) => counted(i + j)));
    return end;
  };

  it('reads 500 of them without a single transaction, and stores the end of the log as its checkpoint once caught up', async () => {
    const end = await appendUnhandled(500);
    const projection = new LookupsOnly();
    const batches: { handled: number; read: number }[] = [];

    const outcome = await runner.run(projection, { untilCaughtUp: true, batchSize: 100, onBatch: ({ handled, read }) => batches.push({ handled, read }) });

    expect(outcome).toBe('caught-up');
    expect(batches).toEqual(Array.from({ length: 5 }, () => ({ handled: 0, read: 100 })));
    expect(projection.applied).toEqual([]);
    expect(transactions).not.toHaveBeenCalled();
    expect(await stored(projection.name)).toEqual(end);
  });

  it('while running, stores the position of unhandled appends within the checkpoint interval, and commits a handled event past them', async () => {
    const projection = new LookupsOnly();
    const controller = new AbortController();
    const running = runner.run(projection, { signal: controller.signal, checkpointEveryMs: 200 });
    try {
      const end = await appendUnhandled(500);
      await until(async () => (await stored(projection.name)).commit === end.commit, { what: 'the checkpoint stored at the end of the log' });
      expect(transactions).not.toHaveBeenCalled();
      expect(projection.applied).toEqual([]);

      const lookupAt = await append([lookup()]);
      await until(async () => (await stored(projection.name)).commit === lookupAt.commit, { what: 'the lookup applied' });
      expect(projection.applied.map((batch) => batch.map((e) => e.type))).toEqual([['FixtureLookupRecorded']]);
      expect(transactions).toHaveBeenCalledTimes(1);
    } finally {
      controller.abort();
    }
    expect(await running).toBe('stopped');
  });

  it('answers the position it has read at once in this process, and stores it when stopped, however long the interval', async () => {
    const projection = new LookupsOnly();
    const controller = new AbortController();
    const running = runner.run(projection, { signal: controller.signal, checkpointEveryMs: 3_600_000 });
    try {
      const lookupAt = await append([lookup()]);
      await until(async () => (await stored(projection.name)).commit === lookupAt.commit, { what: 'the lookup applied' });
      const end = await appendUnhandled(300);
      await until(async () => (await runner.status(projection.name)).position.commit === end.commit, { what: 'the end of the log read' });
      expect(await stored(projection.name)).toEqual(lookupAt); // an hour's interval: not stored yet
      expect(transactions).toHaveBeenCalledTimes(1);
    } finally {
      controller.abort();
    }
    expect(await running).toBe('stopped');
    const end = (await store.readAll({ maxCount: 1000 })).at(-1)!.globalPosition;
    expect(await stored(projection.name)).toEqual(end);
    expect((await runner.status(projection.name)).position).toEqual(end);
  });

  it('does not overwrite a checkpoint another process has moved meanwhile with a position it read but did not store', async () => {
    const projection = new LookupsOnly();
    const controller = new AbortController();
    const running = runner.run(projection, { signal: controller.signal, checkpointEveryMs: 3_600_000 });
    const lookupAt = await append([lookup()]);
    await until(async () => (await stored(projection.name)).commit === lookupAt.commit, { what: 'the lookup applied' });
    const end = await appendUnhandled(20);
    await until(async () => (await runner.status(projection.name)).position.commit === end.commit, { what: 'the end of the log read' });
    // As a rebuild elsewhere would: back to the start.
    await db.query(`UPDATE projection_checkpoints SET commit_position = -1, prepare_position = -1 WHERE name = $1`, [projection.name]);
    controller.abort();
    expect(await running).toBe('stopped');
    expect(await stored(projection.name)).toEqual({ commit: -1n, prepare: -1n });
  });
});
