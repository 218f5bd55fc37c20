import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource, migrate } from '../../src/infrastructure/database/data-source';
import type { NewEvent, RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import type { Projection } from '../../src/infrastructure/projections/projection';
import { CheckpointNotInStoreError, ProjectionRunner } from '../../src/infrastructure/projections/projection-runner';
import { counted, openStore, storeTargets, streamId } from '../support/targets';
import { until } from '../support/until';

/**
 * A projection's checkpoint is a position in ONE event store. After a restore from an older backup, or
 * on a new store (another cluster, another database), the same position means something else: continuing
 * from it would silently skip every event below it that the read model lacks. The runner refuses, says
 * why in the projection's status (what metrics and `projections:list` show), and a rebuild starts the read
 * model again from the store as it is. Run on the in-memory store and embedded PGlite (and the PostgreSQL
 * server when DATABASE_URL is set); checkpoints live in the embedded database, each test its own projection.
 */
class Recorder implements Projection {
  readonly name = `checkpoint-${randomUUID().slice(0, 8)}`;
  readonly handles = ['FixtureCounted'];
  readonly applied: number[] = [];
  async apply(events: readonly RecordedEvent[], _tx: EntityManager): Promise<void> {
    this.applied.push(...events.map((e) => e.data.amount as number));
  }
  async reset(): Promise<void> {
    this.applied.length = 0;
  }
}

type Opened = Awaited<ReturnType<typeof openStore>>;
const targets = storeTargets.filter((t) => t.kind !== 'eventstoredb' && t.url);

describe.each(targets.map((t) => [t.name, t] as const))('A projection whose event store is not the one its checkpoint was taken on, on %s', (_name, target) => {
  let db: DataSource;
  const opened: Opened[] = [];
  const open = async () => {
    const store = await openStore(target);
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    db = createDataSource(process.env.TEST_EMBEDDED_URL!);
    await db.initialize();
    await migrate(db);
  });
  afterAll(async () => {
    for (const store of opened) await store.close();
    await db.destroy();
  });

  /** Three appends of one event each: amounts 1, 2, 3. */
  const appendThree = async (store: Opened): Promise<{ stream: string; event: NewEvent & { eventId: string } }[]> => {
    const appended = [];
    for (const amount of [1, 2, 3]) {
      const entry = { stream: streamId(), event: { ...counted(amount), eventId: randomUUID() } };
      await store.store.appendToStream(entry.stream, [entry.event]);
      appended.push(entry);
    }
    return appended;
  };

  /** The store as a backup taken after its first event restores it: same events, same positions, nothing after. */
  const olderBackup = async (of: Opened, appended: { stream: string; event: NewEvent & { eventId: string } }[]): Promise<Opened> => {
    const backup = await open();
    if (target.kind === 'in-memory') {
      await backup.store.appendToStream(appended[0]!.stream, [appended[0]!.event]); // the in-memory order is by append: same position
    } else {
      // What pg_dump and a restore do: the rows as they were, positions (transaction ids) included.
      const [first] = await of.store.readAll({ maxCount: 1 });
      await backup.pool!.query(
        `INSERT INTO "${backup.schema}".es_events OVERRIDING SYSTEM VALUE SELECT * FROM "${of.schema}".es_events WHERE global_position <= $1`,
        [first!.globalPosition.prepare.toString()],
      );
      await backup.pool!.query(
        `SELECT setval(pg_get_serial_sequence('"${backup.schema}".es_events', 'global_position'), (SELECT max(global_position) FROM "${backup.schema}".es_events))`,
      );
    }
    return backup;
  };

  const refusal = async (running: Promise<unknown>) => {
    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckpointNotInStoreError);
    expect((error as Error).message).toContain('projections:rebuild');
    return (error as CheckpointNotInStoreError).reason;
  };

  /**
   * Runs the projection until it has applied `count` events in all. On a PostgreSQL server a read sees only
   * events below the oldest transaction still open anywhere on the server, so "caught up" can come before
   * the events just appended are visible while another suite's transaction runs (more often on a busy machine).
   */
  const runUntilApplied = (runner: ProjectionRunner, projection: Recorder, count: number) =>
    until(async () => (await runner.run(projection, { untilCaughtUp: true })) === 'caught-up' && projection.applied.length >= count, {
      what: `the projection applying ${count} events`,
      timeoutMs: 60_000, // a hang guard: each round makes progress once the other suite's transaction ends
    });

  it('refuses to run from a checkpoint past the end of a store restored from an older backup, and keeps refusing once that store grows past it', async () => {
    const live = await open();
    const appended = await appendThree(live);
    const projection = new Recorder();
    await runUntilApplied(new ProjectionRunner(live.store, db), projection, 3);
    expect(projection.applied).toEqual([1, 2, 3]);

    const restored = await olderBackup(live, appended);
    const runner = new ProjectionRunner(restored.store, db);
    expect(await refusal(runner.run(projection, { untilCaughtUp: true }))).toBe('PAST_END');
    expect((await runner.status(projection.name)).refused).toBe('PAST_END');
    expect(projection.applied).toEqual([1, 2, 3]);

    // New accesses recorded after the restore carry the log past the old checkpoint: still not the log it read.
    for (let i = 0; i < 5; i++) await restored.store.appendToStream(streamId(), [counted(10 + i)]);
    expect(await restored.store.hasEventsAfter((await runner.status(projection.name)).position)).toBe(true);
    expect(await refusal(runner.run(projection, { untilCaughtUp: true }))).toBe('OTHER_EVENT');
    expect((await runner.status(projection.name)).refused).toBe('OTHER_EVENT');
    expect(projection.applied).toEqual([1, 2, 3]); // events 10..14 were not skipped silently: nothing was applied

    // The operator's command: the read model starts again from the store as it is, and runs on from there.
    expect(await runner.rebuild(projection)).toBe('caught-up');
    await runUntilApplied(runner, projection, 6);
    expect(projection.applied).toEqual([1, 10, 11, 12, 13, 14]);
    expect((await runner.status(projection.name)).refused).toBeNull();
    await restored.store.appendToStream(streamId(), [counted(20)]);
    await runUntilApplied(runner, projection, 7);
    expect(projection.applied.at(-1)).toBe(20);
  });

  it('refuses to run from its checkpoint on a new store whose log already reaches past it', async () => {
    const live = await open();
    await appendThree(live);
    const projection = new Recorder();
    await runUntilApplied(new ProjectionRunner(live.store, db), projection, 3);

    const fresh = await open();
    for (let i = 0; i < 10; i++) await fresh.store.appendToStream(streamId(), [counted(100 + i)]);
    const runner = new ProjectionRunner(fresh.store, db);
    expect(await refusal(runner.run(projection, { untilCaughtUp: true }))).toBe('OTHER_EVENT');
    expect(projection.applied).toEqual([1, 2, 3]);
  });

  it('runs on from its checkpoint on the store it was taken on, and clears a refusal once the right store is back', async () => {
    const live = await open();
    const appended = await appendThree(live);
    const projection = new Recorder();
    const runner = new ProjectionRunner(live.store, db);
    await runUntilApplied(runner, projection, 3);

    const restored = await olderBackup(live, appended);
    await refusal(new ProjectionRunner(restored.store, db).run(projection, { untilCaughtUp: true }));

    await live.store.appendToStream(streamId(), [counted(4)]);
    await runUntilApplied(runner, projection, 4);
    expect(projection.applied).toEqual([1, 2, 3, 4]);
    expect((await runner.status(projection.name)).refused).toBeNull();
  });

  it('checks a checkpoint stored before checkpoints named their event against the end of the store', async () => {
    const live = await open();
    const appended = await appendThree(live);
    const projection = new Recorder();
    const runner = new ProjectionRunner(live.store, db);
    await runUntilApplied(runner, projection, 3);
    await db.query(`UPDATE projection_checkpoints SET last_event_id = NULL WHERE name = $1`, [projection.name]);

    const restored = await olderBackup(live, appended);
    expect(await refusal(new ProjectionRunner(restored.store, db).run(projection, { untilCaughtUp: true }))).toBe('PAST_END');

    await live.store.appendToStream(streamId(), [counted(4)]);
    await runUntilApplied(runner, projection, 4);
    expect(projection.applied).toEqual([1, 2, 3, 4]);
    const [{ id }] = await db.query(`SELECT last_event_id AS id FROM projection_checkpoints WHERE name = $1`, [projection.name]);
    expect(id).toBe((await live.store.readAll({ maxCount: 10 })).at(-1)!.eventId);
  });
});
