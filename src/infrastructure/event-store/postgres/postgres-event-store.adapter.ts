import type { Pool, PoolClient } from 'pg';
import { AppendSignal } from '../append-signal';
import { DuplicateEventError, StoreOrderBrokenError, StoreUnavailableError, WrongExpectedRevisionError } from '../errors';
import {
  START,
  type AppendResult,
  type EventStoreAdapter,
  type ExpectedRevision,
  type LogPosition,
  type PreparedEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from '../event-store.port';
import { isConnectionFailure } from './postgres-errors';

export interface PostgresEventStoreOptions {
  /** Schema holding the event tables; lets tests and benchmarks run side by side. */
  readonly schema?: string;
  /**
   * Prepare the append statements once per connection (named statements). Faster on a server; must be
   * off on PGlite, where every connection shares one session and so one statement namespace. 'auto'
   * (the default) asks the server what it is.
   */
  readonly namedStatements?: boolean | 'auto';
}

type Queryable = Pick<PoolClient, 'query'>;

interface EventRow {
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  occurred_at: Date;
  correlation_id: string | null;
  causation_id: string | null;
  global_position: string;
  transaction_id: string;
}

/**
 * Event store on PostgreSQL, the same code for a PostgreSQL server and for embedded PGlite (served over
 * the wire protocol by PGLiteSocketServer).
 *
 * The global order is (transaction_id, global_position), read only below the oldest transaction still
 * running (`pg_snapshot_xmin(pg_current_snapshot())`), as emmett-postgresql does. Ordering by the
 * sequence alone lets a reader pass an event whose transaction took its sequence value early but
 * committed late; this way an event becomes readable only once nothing before it can still appear.
 */
export class PostgresEventStoreAdapter implements EventStoreAdapter {
  readonly kind = 'postgres' as const;
  private readonly appended = new AppendSignal();
  private readonly s: string;
  private prefix: string | undefined;
  private readonly namedStatements: boolean | 'auto';
  private readonly schemaName: string;
  private readonly sql: ReturnType<typeof statements>;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    const schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name ${schema}`);
    this.s = `"${schema}"`;
    this.namedStatements = options.namedStatements ?? 'auto';
    this.schemaName = schema;
    this.sql = statements(this.s);
  }

  async initialise(): Promise<void> {
    await this.guard(async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        // Serialise concurrent first starts: CREATE ... IF NOT EXISTS is not safe against itself.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('nik-gateway:event-store-schema'))`);
        await client.query(schemaDdl(this.s));
        await client.query('COMMIT');
        const named =
          this.namedStatements === 'auto' ? !/PGlite/.test((await client.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v) : this.namedStatements;
        this.prefix = named ? `es_${this.schemaName}_` : undefined;
        await this.assertOrderHolds(client);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
  }

  append(streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.appendOn(this.pool, streamId, events, expected);
  }

  /**
   * Positions are transaction ids, so the next append must get an id above every stored one. A physical
   * backup (pg_basebackup, a copy of DATA_DIR) restores the counter with the rows; pg_dump into another
   * cluster restores only the rows, and that cluster's counter may be behind them: refuse to start then.
   */
  private async assertOrderHolds(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ behind: boolean }>(
      `SELECT coalesce((SELECT max(e.transaction_id) FROM ${this.s}.es_events e) >= pg_snapshot_xmax(pg_current_snapshot()), false) AS behind`,
    );
    if (rows[0]!.behind)
      throw new StoreOrderBrokenError(
        "the database's transaction counter is behind the transaction ids of the stored events (restored with pg_dump into another cluster?): new events would be ordered before them and missed by every read model. Advance the counter before starting (docs/operations.md, Pemulihan dari cadangan)",
      );
  }

  /**
   * Append inside a transaction the caller has opened on `client` (to write an event and another row
   * atomically). The caller commits; subscribers see the events only after that commit. The append runs
   * under a savepoint, so a conflict raises WrongExpectedRevisionError and leaves the transaction usable.
   */
  appendInTransaction(client: Queryable, streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.appendOn(client, streamId, events, expected);
  }

  private async appendOn(db: Queryable, streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.guard(async () => {
      if (events.length === 0) return this.checkOnly(db, streamId, expected);
      const params = [
        streamId,
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => e.occurredAt.toISOString()),
        events.map((e) => e.correlationId),
        events.map((e) => e.causationId),
      ];
      const savepoint = db !== this.pool;
      // "any" only loses a race for the next revision to another writer: take the revision after theirs.
      const attempts = expected === 'any' ? 50 : 1;
      for (let attempt = 1; ; attempt++) {
        let result;
        try {
          if (savepoint) await db.query('SAVEPOINT es_append');
          if (expected === 'any') result = await db.query(this.statement('append_any', this.sql.appendAny, params));
          else if (expected === 'no_stream') result = await db.query(this.statement('append_new', this.sql.appendNew, params));
          else result = await db.query(this.statement('append_at', this.sql.appendAt, [...params, expected.toString()]));
          if (savepoint) await db.query('RELEASE SAVEPOINT es_append');
        } catch (error) {
          if (savepoint) await db.query('ROLLBACK TO SAVEPOINT es_append').catch(() => undefined);
          const { code, constraint } = error as { code?: string; constraint?: string };
          if (code === '23505' && constraint === 'es_events_event_id_key') throw new DuplicateEventError(streamId);
          if (code === '23505' && constraint === 'es_events_stream_revision_key') {
            if (attempt < attempts) continue;
            throw new WrongExpectedRevisionError(streamId, expected, await this.actualRevision(db, streamId));
          }
          throw error;
        }
        const row = result.rows[0] as { last_revision: string | null; global_position: string; transaction_id: string };
        if (row.last_revision === null) {
          throw new WrongExpectedRevisionError(streamId, expected, await this.actualRevision(db, streamId));
        }
        this.appended.notify();
        return {
          nextExpectedRevision: BigInt(row.last_revision),
          position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
        };
      }
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.guard(async () => {
      const { rows } = options.backwards
        ? await this.pool.query<EventRow>(this.sql.readStreamBackwards, [streamId, options.maxCount ?? null])
        : await this.pool.query<EventRow>(this.sql.readStream, [streamId, (options.fromRevision ?? 0n).toString(), options.maxCount ?? null]);
      return rows.map(toStoredEvent);
    });
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    const after = options.after ?? START;
    return this.guard(async () => {
      const { rows } = await this.pool.query<EventRow>(this.sql.readAll, [
        // xid8 has no negative values: START (-1) becomes 0, below every real transaction id.
        (after.commit < 0n ? 0n : after.commit).toString(),
        after.prepare.toString(),
        options.maxCount,
      ]);
      return rows.map(toStoredEvent);
    });
  }

  async countEvents(after: LogPosition = START): Promise<bigint> {
    return this.guard(async () => {
      const { rows } = await this.pool.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${this.s}.es_events e WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)`,
        [(after.commit < 0n ? 0n : after.commit).toString(), after.prepare.toString()],
      );
      return BigInt(rows[0]!.n);
    });
  }

  /** Committed events, readable or not yet (below a late commit): a reader from an older position still has them to come. */
  async headPosition(): Promise<LogPosition> {
    return this.guard(async () => {
      const { rows } = await this.pool.query<{ c: string; p: string }>(
        `SELECT e.transaction_id::text AS c, e.global_position::text AS p FROM ${this.s}.es_events e
         ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
      );
      return rows[0] ? { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) } : START;
    });
  }

  async eventAt(position: LogPosition): Promise<StoredEvent | undefined> {
    if (position.commit < 0n || position.prepare < 0n) return undefined;
    return this.guard(async () => {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${this.s}.es_events e WHERE e.global_position = $2::bigint AND e.transaction_id = $1::text::xid8`,
        [position.commit.toString(), position.prepare.toString()],
      );
      return rows[0] ? toStoredEvent(rows[0]) : undefined;
    });
  }

  async ping(): Promise<void> {
    await this.guard(() => this.pool.query(`SELECT 1 FROM ${this.s}.es_events LIMIT 1`));
  }

  onAppended(listener: () => void): () => void {
    return this.appended.on(listener);
  }

  async close(): Promise<void> {
    this.appended.clear();
  }

  /** Parsed and planned once per connection when named statements are on; otherwise on every call. */
  private statement(name: string, text: string, values: unknown[]) {
    return this.prefix ? { name: `${this.prefix}${name}`, text, values } : { text, values };
  }

  private async checkOnly(db: Queryable, streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const actual = await this.actualRevision(db, streamId);
    const ok = expected === 'any' || (expected === 'no_stream' ? actual === 'no_stream' : actual === expected);
    if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);
    return { nextExpectedRevision: actual === 'no_stream' ? -1n : actual, position: START };
  }

  private async actualRevision(db: Queryable, streamId: string): Promise<bigint | 'no_stream'> {
    const { rows } = await db.query(`SELECT max(revision)::text AS revision FROM ${this.s}.es_events WHERE stream_id = $1`, [streamId]);
    const revision = (rows[0] as { revision: string | null }).revision;
    return revision === null ? 'no_stream' : BigInt(revision);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isConnectionFailure(error)) {
        throw new StoreUnavailableError(`PostgreSQL event store unavailable: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    globalPosition: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    occurredAt: row.occurred_at,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    data: row.data,
  };
}

export function schemaDdl(s: string): string {
  return `
    CREATE SCHEMA IF NOT EXISTS ${s};
    CREATE TABLE IF NOT EXISTS ${s}.es_events (
      global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id uuid NOT NULL,
      stream_id text NOT NULL,
      revision bigint NOT NULL,
      type text NOT NULL,
      schema_version integer NOT NULL,
      data jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      correlation_id uuid,
      causation_id uuid,
      CONSTRAINT es_events_event_id_key UNIQUE (event_id),
      CONSTRAINT es_events_stream_revision_key UNIQUE (stream_id, revision)
    );
    CREATE INDEX IF NOT EXISTS es_events_global_order ON ${s}.es_events (transaction_id, global_position);
    CREATE OR REPLACE FUNCTION ${s}.es_events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'events are immutable: % refused', TG_OP; END $$;
    DROP TRIGGER IF EXISTS es_events_immutable ON ${s}.es_events;
    CREATE TRIGGER es_events_immutable BEFORE UPDATE OR DELETE ON ${s}.es_events
      FOR EACH ROW EXECUTE FUNCTION ${s}.es_events_are_immutable();
    DROP TRIGGER IF EXISTS es_events_no_truncate ON ${s}.es_events;
    CREATE TRIGGER es_events_no_truncate BEFORE TRUNCATE ON ${s}.es_events
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.es_events_are_immutable();
  `;
}

/** Output columns; ORDER BY must name the table's columns (e.x), not these text-cast aliases. */
const EVENT_COLUMNS = `e.event_id, e.stream_id, e.revision::text AS revision, e.type, e.schema_version, e.data, e.occurred_at,
             e.correlation_id, e.causation_id, e.global_position::text AS global_position, e.transaction_id::text AS transaction_id`;

/**
 * Each append is ONE statement (one round trip) inserting the events numbered from the stream's next
 * revision. The unique key on (stream_id, revision) is the optimistic-concurrency check: of two writers
 * at the same revision the second waits for the first and fails on the key. "Exact revision r" also
 * requires revision r to exist (revisions are contiguous, so r exists and r + 1 is free means "at r").
 * A null last_revision means the precondition did not hold: a conflict.
 */
function statements(s: string) {
  const insertEvents = (firstRevision: string, condition = 'true') => `
    WITH inserted AS (
      INSERT INTO ${s}.es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at, correlation_id, causation_id)
      SELECT e.event_id, $1, ${firstRevision} + e.ord - 1, e.type, e.schema_version, e.data, e.occurred_at, e.correlation_id, e.causation_id
      FROM unnest($2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::timestamptz[], $7::uuid[], $8::uuid[])
             WITH ORDINALITY AS e(event_id, type, schema_version, data, occurred_at, correlation_id, causation_id, ord)
      WHERE ${condition}
      RETURNING revision, global_position
    )
    SELECT max(revision)::text AS last_revision, max(global_position)::text AS global_position,
           pg_current_xact_id()::text AS transaction_id
    FROM inserted`;
  return {
    appendAny: insertEvents(`coalesce((SELECT max(x.revision) FROM ${s}.es_events x WHERE x.stream_id = $1), -1) + 1`),
    appendNew: insertEvents('0'),
    appendAt: insertEvents('$9::bigint + 1', `EXISTS (SELECT 1 FROM ${s}.es_events x WHERE x.stream_id = $1 AND x.revision = $9::bigint)`),
    readStream: `
      SELECT ${EVENT_COLUMNS}
      FROM ${s}.es_events e
      WHERE e.stream_id = $1 AND e.revision >= $2::bigint
      ORDER BY e.revision
      LIMIT $3`,
    readStreamBackwards: `
      SELECT ${EVENT_COLUMNS}
      FROM ${s}.es_events e
      WHERE e.stream_id = $1
      ORDER BY e.revision DESC
      LIMIT $2`,
    readAll: `
      SELECT ${EVENT_COLUMNS}
      FROM ${s}.es_events e
      WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`,
  };
}
