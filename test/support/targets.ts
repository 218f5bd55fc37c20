import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { EventStoreAdapter } from '../../src/infrastructure/event-store/event-store.port';
import { EventStoreDbEventStoreAdapter } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter';
import { InMemoryEventStoreAdapter } from '../../src/infrastructure/event-store/in-memory/in-memory-event-store.adapter';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import { PostgresEventStoreAdapter } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter';
import { testEventSchemas } from './test-event-schemas';

/** A place the contract suite can run against. `url` is undefined when it is not reachable here. */
export interface StoreTarget {
  readonly name: string;
  readonly kind: 'postgres' | 'eventstoredb' | 'in-memory';
  /** Embedded PGlite: one shared session, so no named statements (as the application configures it). */
  readonly embedded?: boolean;
  readonly url: string | undefined;
  readonly skipReason: string;
}

export const storeTargets: StoreTarget[] = [
  {
    name: 'embedded PGlite',
    kind: 'postgres',
    embedded: true,
    url: process.env.TEST_EMBEDDED_URL,
    skipReason: 'the embedded server did not start',
  },
  {
    name: 'PostgreSQL server',
    kind: 'postgres',
    url: process.env.DATABASE_URL,
    skipReason: 'DATABASE_URL is not set (.ci/run sets it)',
  },
  {
    name: 'EventStoreDB',
    kind: 'eventstoredb',
    url: process.env.EVENTSTORE_CONNECTION_STRING,
    skipReason: 'EVENTSTORE_CONNECTION_STRING is not set: no EventStoreDB server can run on this machine',
  },
  {
    // For tests and the unit lane only: it has to keep the same contract to stand in for the others.
    name: 'in-memory',
    kind: 'in-memory',
    url: 'memory:',
    skipReason: 'never skipped: it needs nothing',
  },
];

export const postgresTargets = storeTargets.filter((t) => t.kind === 'postgres');

export { testEventSchemas };

/** A fresh, isolated store on a target: its own schema on PostgreSQL; unique stream names on EventStoreDB. */
export async function openStore(target: StoreTarget, schemas = testEventSchemas()) {
  let adapter: EventStoreAdapter;
  let pool: Pool | undefined;
  const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  if (target.kind === 'postgres') {
    pool = new Pool({ connectionString: target.url, max: 10 });
    const pg = new PostgresEventStoreAdapter(pool, { schema });
    adapter = pg;
  } else if (target.kind === 'in-memory') {
    adapter = new InMemoryEventStoreAdapter();
  } else {
    adapter = new EventStoreDbEventStoreAdapter(target.url!);
  }
  await adapter.initialise();
  const store = new GuardedEventStore(adapter, schemas);
  return {
    store,
    adapter,
    pool,
    schema,
    async close() {
      await store.close();
      if (pool) {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    },
  };
}

/** A stream id unique to this run. */
export function streamId(category = 'fixture'): string {
  return `${category}-${randomUUID()}`;
}

export function counted(amount: number, key = 'a') {
  return { type: 'FixtureCounted', data: { key, amount } };
}
