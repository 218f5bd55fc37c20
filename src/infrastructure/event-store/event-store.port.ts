import type { EventsAppended } from './events-appended';
/**
 * The EventStore port: the only way the rest of the code reads or writes events.
 * Adapters (PostgreSQL/PGlite, EventStoreDB) implement `EventStoreAdapter`; the application sees
 * `EventStore`, which adds the privacy guard on append and upcasting on read (see guarded-event-store.ts).
 */

/** Expected revision of a stream when appending: any, the stream must not exist yet, or an exact revision. */
export type ExpectedRevision = 'any' | 'no_stream' | bigint;

/**
 * A position in the global order. For EventStoreDB these are its own commit/prepare positions; for
 * PostgreSQL `commit` is the appending transaction's id (xid8) and `prepare` the event's sequence number,
 * so ordering by (commit, prepare) is ordering by commit, which is what keeps late commits from being skipped.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Before the first event of the store. */
export const START: LogPosition = Object.freeze({ commit: -1n, prepare: -1n });

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export type EventData = Record<string, unknown>;

/** An event about to be appended. `data` must match the type's registered schema. */
export interface NewEvent<T extends EventData = EventData> {
  readonly type: string;
  readonly data: T;
  /** UUID; generated when absent. */
  readonly eventId?: string;
  readonly occurredAt?: Date;
  /** UUIDs linking an event to the request (correlation) and the event or command that caused it. */
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** The envelope every stored event carries. */
export interface RecordedEvent<T extends EventData = EventData> {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  /** 0 for a stream's first event. */
  readonly revision: bigint;
  readonly globalPosition: LogPosition;
  readonly occurredAt: Date;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly data: T;
}

/** An event as an adapter hands it over, before upcasting. */
export type StoredEvent = RecordedEvent;

/** What an adapter is asked to write: already validated, with every envelope field filled in. */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: EventData;
  readonly occurredAt: Date;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

export interface AppendOptions {
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The stream's revision after the append (its last event's revision). */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last appended event. */
  readonly position: LogPosition;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
  /** Read from the end of the stream towards its start (newest first); `fromRevision` is then ignored. */
  readonly backwards?: boolean;
  /** Events exactly as stored, not upcast (what the notary hashed: an auditor's proof shows these bytes). */
  readonly stored?: boolean;
}

export interface ReadAllOptions {
  /** Read events strictly after this position (START for the beginning). */
  readonly after?: LogPosition;
  readonly maxCount: number;
  /** Events exactly as stored, not upcast to the current schema version (the notary hashes what was written). */
  readonly stored?: boolean;
}

export interface SubscribeOptions {
  /** Checkpoint: deliver events strictly after it. */
  readonly after?: LogPosition;
  readonly batchSize?: number;
  /** How long to wait between polls once caught up (an append in this process wakes it earlier). */
  readonly pollIntervalMs?: number;
  /**
   * Once caught up, read at most this often (default 100 ms): under load one read then takes many appends
   * at once, instead of one read per append; after an idle spell the first append is still read at once.
   */
  readonly minReadIntervalMs?: number;
  readonly signal?: AbortSignal;
  /** Events exactly as stored, not upcast. */
  readonly stored?: boolean;
}

/** One batch of a catch-up subscription. The next batch is not read until the consumer asks for it. */
export interface EventBatch {
  readonly events: readonly RecordedEvent[];
  /** Position of the last event of the batch (the checkpoint to store once it is handled). */
  readonly position: LogPosition;
  /** True when this batch reached the end of the store as it was when read. */
  readonly caughtUp: boolean;
}

/** What every adapter implements: raw storage, no validation. */
export interface EventStoreAdapter {
  readonly kind: 'postgres' | 'eventstoredb' | 'in-memory';
  initialise(): Promise<void>;
  append(streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * Number of events (after a position), when the store can tell cheaply: progress bars and the lag figures
   * (metrics, `projections:list`). EventStoreDB answers undefined ($all has no count). Whether a read model is
   * current is decided by `headPosition`, which every adapter answers.
   */
  countEvents(after?: LogPosition): Promise<bigint | undefined>;
  /**
   * Position of the last event `readAll` delivers or will deliver once readable (committed events a late
   * commit still holds back included; system and foreign events on a shared EventStoreDB excluded), START
   * when there is none. With `floor` the adapter may stop looking back at it: an answer not past `floor`
   * then only says that no such event lies past it, and an answer below `floor` that the log ends before it.
   */
  headPosition(floor?: LogPosition): Promise<LogPosition>;
  /**
   * The event `readAll` delivered at exactly this position, if the store holds one there (as stored). A
   * projection's checkpoint names the event it last read: another event there, or none, means the store
   * is not the one the checkpoint was taken on (a restored older backup, a new cluster).
   */
  eventAt(position: LogPosition): Promise<StoredEvent | undefined>;
  ping(): Promise<void>;
  /** Register a callback fired after an append in this process, so subscriptions wake without waiting for a poll. */
  onAppended(listener: () => void): () => void;
  close(): Promise<void>;
}

/** The port the application uses. */
export interface EventStore {
  readonly kind: EventStoreAdapter['kind'];
  appendToStream(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** A stream's events in revision order; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<EventBatch>;
  countEvents(after?: LogPosition): Promise<bigint | undefined>;
  /** See EventStoreAdapter.headPosition. */
  headPosition(floor?: LogPosition): Promise<LogPosition>;
  /** True when the log holds an event past `position` that a reader from it has not seen yet (freshness checks). */
  hasEventsAfter(position: LogPosition): Promise<boolean>;
  /** See EventStoreAdapter.eventAt (as stored, not upcast). */
  eventAt(position: LogPosition): Promise<RecordedEvent | undefined>;
  ping(): Promise<void>;
  /** Told of each append through this store, once stored (in-process reactions; see EventsAppended). */
  onStored(listener: (appended: EventsAppended) => void): () => void;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
