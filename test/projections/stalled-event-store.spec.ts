import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource, migrate } from '../../src/infrastructure/database/data-source';
import { StoreUnavailableError } from '../../src/infrastructure/event-store/errors';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { EventStoreDbEventStoreAdapter } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import type { Projection } from '../../src/infrastructure/projections/projection';
import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner';
import { until } from '../support/until';
import { FakeEventStoreDbNode } from '../support/fake-eventstoredb';
import { testEventSchemas } from '../support/test-event-schemas';

/**
 * A projection runs holding a PostgreSQL advisory lock, so that one process at a time runs it and the
 * others stand by. If its read of EventStoreDB hung (client 6 sends reads with no deadline), the lock
 * would be held for ever and no standby would take over. The node is the fake one
 * (test/support/fake-eventstoredb.ts), stalled: it never answers a read until the client cancels it.
 */
class Counting implements Projection {
  readonly name = `stalled-${randomUUID().slice(0, 8)}`;
  readonly handles = ['FixtureCounted'];
  applied = 0;
  async apply(events: readonly RecordedEvent[], _tx: EntityManager): Promise<void> {
    this.applied += events.length;
  }
  async reset(): Promise<void> {}
}

describe('A projection reading a stalled EventStoreDB node', () => {
  let db: DataSource;
  let node: FakeEventStoreDbNode;
  beforeAll(async () => {
    db = createDataSource(process.env.TEST_EMBEDDED_URL!);
    await db.initialize();
    await migrate(db);
    node = await FakeEventStoreDbNode.start();
    node.seed(`fixture-${randomUUID()}`, [{ type: 'FixtureCounted', data: { key: 'a', amount: 1 }, metadata: { schemaVersion: 1 } }]);
  });
  afterAll(async () => {
    await node?.close();
    await db?.destroy();
  });

  it('fails at the read timeout instead of hanging, and lets go of its lock so a standby takes over', async () => {
    const projection = new Counting();
    node.always('read', { stall: true });
    const stalled = new GuardedEventStore(new EventStoreDbEventStoreAdapter(node.connectionString, { readTimeoutMs: 300 }), testEventSchemas());
    try {
      await expect(new ProjectionRunner(stalled, db).run(projection, { untilCaughtUp: true })).rejects.toBeInstanceOf(StoreUnavailableError);
      // The cancel reaches the node a moment after the read failed (a loaded machine may take a while).
      await until(() => node.callsOf('read').every((c) => c.cancelled), { what: 'every stalled read cancelled at the node', timeoutMs: 60_000 });
    } finally {
      node.always('read', undefined);
      await stalled.close();
    }
    // The node answers again: another runner (a standby) gets the lock and catches up.
    const healthy = new GuardedEventStore(new EventStoreDbEventStoreAdapter(node.connectionString), testEventSchemas());
    try {
      await expect(new ProjectionRunner(healthy, db).run(projection, { untilCaughtUp: true })).resolves.toBe('caught-up');
      expect(projection.applied).toBe(1);
    } finally {
      await healthy.close();
    }
  });
});
