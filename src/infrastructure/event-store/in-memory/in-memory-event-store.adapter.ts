import { AppendSignal } from '../append-signal';
import { DuplicateEventError, WrongExpectedRevisionError } from '../errors';
import {
  START,
  comparePositions,
  type AppendResult,
  type EventStoreAdapter,
  type ExpectedRevision,
  type LogPosition,
  type PreparedEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from '../event-store.port';

/**
 * Event store in this process's memory, for tests and the unit lane; not a storage mode of the gateway
 * (nothing survives a restart). It keeps the PostgreSQL adapter's semantics: expected revisions checked
 * atomically (one append at a time, as JavaScript runs it), contiguous revisions, unique event ids, and a
 * global order of (append number, sequence) like PostgreSQL's (transaction id, sequence). Data is stored
 * as JSON, as jsonb stores it, so a caller changing an object afterwards changes nothing stored.
 */
export class InMemoryEventStoreAdapter implements EventStoreAdapter {
  readonly kind = 'in-memory' as const;
  private readonly appended = new AppendSignal();
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly eventIds = new Set<string>();
  private appends = 0n;

  async initialise(): Promise<void> {}

  async append(streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length === 0 ? ('no_stream' as const) : BigInt(stream.length - 1);
    const holds = expected === 'any' || (expected === 'no_stream' ? actual === 'no_stream' : actual === expected);
    if (!holds) throw new WrongExpectedRevisionError(streamId, expected, actual);
    if (events.length === 0) return { nextExpectedRevision: actual === 'no_stream' ? -1n : actual, position: START };
    const ids = new Set<string>();
    for (const event of events) {
      if (this.eventIds.has(event.eventId) || ids.has(event.eventId)) throw new DuplicateEventError(streamId);
      ids.add(event.eventId);
    }
    const commit = ++this.appends;
    const stored = events.map((event, index): StoredEvent => ({
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      streamId,
      revision: BigInt(stream.length + index),
      globalPosition: { commit, prepare: BigInt(this.log.length + index + 1) },
      occurredAt: new Date(event.occurredAt.getTime()),
      correlationId: event.correlationId,
      causationId: event.causationId,
      data: JSON.parse(JSON.stringify(event.data)),
    }));
    stream.push(...stored);
    this.streams.set(streamId, stream);
    this.log.push(...stored);
    for (const id of ids) this.eventIds.add(id);
    this.appended.notify();
    const last = stored[stored.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.globalPosition };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const limit = options.maxCount ?? Infinity;
    const events = options.backwards ? [...stream].reverse().slice(0, limit) : stream.slice(Number(options.fromRevision ?? 0n)).slice(0, limit);
    return events.map(copy);
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    const from = this.firstAfter(options.after ?? START);
    return this.log.slice(from, from + options.maxCount).map(copy);
  }

  async countEvents(after: LogPosition = START): Promise<bigint> {
    return BigInt(this.log.length - this.firstAfter(after));
  }

  async headPosition(): Promise<LogPosition> {
    return this.log.at(-1)?.globalPosition ?? START;
  }

  async eventAt(position: LogPosition): Promise<StoredEvent | undefined> {
    const event = this.log[this.firstAfter(position) - 1];
    return event && comparePositions(event.globalPosition, position) === 0 ? copy(event) : undefined;
  }

  async ping(): Promise<void> {}

  onAppended(listener: () => void): () => void {
    return this.appended.on(listener);
  }

  async close(): Promise<void> {
    this.appended.clear();
  }

  /** Index of the first event strictly after a position: the log is in global order, so a binary search. */
  private firstAfter(position: LogPosition): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePositions(this.log[middle]!.globalPosition, position) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Readers get their own copy, as rows read from a database would be. */
function copy(event: StoredEvent): StoredEvent {
  return { ...event, occurredAt: new Date(event.occurredAt.getTime()), data: JSON.parse(JSON.stringify(event.data)) };
}
