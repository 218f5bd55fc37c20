import { EventsAppended } from './events-appended';
import { randomUUID } from 'node:crypto';
import { EventRejectedError } from './errors';
import type { EventSchemas } from './event-schemas';
import {
  START,
  comparePositions,
  type AppendOptions,
  type AppendResult,
  type EventBatch,
  type EventStore,
  type EventStoreAdapter,
  type LogPosition,
  type NewEvent,
  type PreparedEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-store.port';
import { looksLikeNikOrKk } from './personal-data';
import { isUuid } from '../ids';

/** `category-id`: a lower-case category, then an opaque id (UUID, code or year-semester). */
const STREAM_ID = /^[a-z][a-z0-9]*(?:-[A-Za-z0-9]+)+$/;

/** The only stream ids the guard lets this application write to. */
export function isApplicationStreamId(streamId: string): boolean {
  return STREAM_ID.test(streamId) && streamId.length <= 120 && !looksLikeNikOrKk(streamId);
}
const MAX_EVENTS_PER_APPEND = 1000;

/**
 * The EventStore the application uses: every append passes the privacy guard before anything is
 * written (all events of the call are checked first, so a refusal writes none), and every read is
 * upcast to the current schema version. Subscriptions are built here once, on top of any adapter.
 */
export class GuardedEventStore implements EventStore {
  constructor(
    private readonly adapter: EventStoreAdapter,
    private readonly schemas: EventSchemas,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private readonly storedListeners = new Set<(appended: EventsAppended) => void>();

  get kind(): EventStoreAdapter['kind'] {
    return this.adapter.kind;
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const prepared = this.prepare(streamId, events);
    const result = await this.adapter.append(streamId, prepared, options.expectedRevision ?? 'any');
    if (this.storedListeners.size > 0) {
      const appended = new EventsAppended(
        streamId,
        prepared.map(({ eventId, type, data }) => ({ eventId, type, data })),
      );
      for (const listener of this.storedListeners) listener(appended);
    }
    return result;
  }

  onStored(listener: (appended: EventsAppended) => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.adapter.readStream(streamId, options);
    return options?.stored ? events : events.map((e) => this.upcast(e));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const events = await this.adapter.readAll(options);
    return options.stored ? events : events.map((e) => this.upcast(e));
  }

  /**
   * Catch-up subscription: reads a batch, hands it over, and reads the next only when the consumer asks
   * (async iteration is the backpressure). A full batch is followed by the next read at once. Once caught
   * up (an empty read yields one empty `caughtUp` batch) it waits for an append in this process or the
   * poll interval, and then for `minReadIntervalMs` since the previous read started: appends coalesce
   * into one read under load, while the first append after an idle spell is read at once.
   */
  async *subscribeToAll(options: SubscribeOptions = {}): AsyncGenerator<EventBatch> {
    let after = options.after ?? START;
    const batchSize = options.batchSize ?? 500;
    const pollIntervalMs = options.pollIntervalMs ?? 250;
    const minReadIntervalMs = options.minReadIntervalMs ?? 100;
    const signal = options.signal;
    // Listens for the whole subscription, so an append made while the consumer works on a batch is not missed.
    const appended = new Wake();
    const stopListening = this.adapter.onAppended(() => appended.set());
    let caughtUp = false;
    let announcedCaughtUp = false;
    let lastReadStarted = -Infinity;
    try {
      while (!signal?.aborted) {
        if (caughtUp) {
          await appended.wait(pollIntervalMs, signal);
          await pause(lastReadStarted + minReadIntervalMs - Date.now(), signal);
          if (signal?.aborted) break;
        }
        appended.clear();
        lastReadStarted = Date.now();
        const events = await this.readAll({ after, maxCount: batchSize, stored: options.stored });
        caughtUp = events.length < batchSize;
        if (events.length > 0) {
          after = events[events.length - 1]!.globalPosition;
          announcedCaughtUp = caughtUp;
          yield { events, position: after, caughtUp };
        } else if (!announcedCaughtUp) {
          announcedCaughtUp = true;
          yield { events: [], position: after, caughtUp: true };
        }
      }
    } finally {
      stopListening();
    }
  }

  countEvents(after?: LogPosition): Promise<bigint | undefined> {
    return this.adapter.countEvents(after);
  }

  headPosition(floor?: LogPosition): Promise<LogPosition> {
    return this.adapter.headPosition(floor);
  }

  /**
   * From the head position on every adapter, not a count: a count cannot tell on EventStoreDB (where it
   * was taken as 0, so reports never waited), and on PostgreSQL "count > 0" and "head past it" are the
   * same question (both see committed events a late commit still holds back), the head an index lookup.
   */
  async hasEventsAfter(position: LogPosition): Promise<boolean> {
    return comparePositions(await this.adapter.headPosition(position), position) > 0;
  }

  eventAt(position: LogPosition): Promise<RecordedEvent | undefined> {
    return this.adapter.eventAt(position);
  }

  ping(): Promise<void> {
    return this.adapter.ping();
  }

  close(): Promise<void> {
    return this.adapter.close();
  }

  private prepare(streamId: string, events: readonly NewEvent[]): PreparedEvent[] {
    if (!isApplicationStreamId(streamId)) {
      throw new EventRejectedError('EVENT_ENVELOPE_INVALID', events[0]?.type ?? '?', '/streamId', 'stream id must be category-opaqueId');
    }
    if (events.length > MAX_EVENTS_PER_APPEND) {
      throw new EventRejectedError('EVENT_ENVELOPE_INVALID', events[0]!.type, '', `more than ${MAX_EVENTS_PER_APPEND} events in one append`);
    }
    return events.map((event) => {
      this.schemas.validate(event.type, event.data);
      for (const key of ['eventId', 'correlationId', 'causationId'] as const) {
        const value = event[key];
        if (value !== undefined && !isUuid(value)) {
          throw new EventRejectedError('EVENT_ENVELOPE_INVALID', event.type, `/${key}`, 'must be a UUID');
        }
      }
      const occurredAt = event.occurredAt ?? this.now();
      if (Number.isNaN(occurredAt.getTime())) {
        throw new EventRejectedError('EVENT_ENVELOPE_INVALID', event.type, '/occurredAt', 'must be a valid date');
      }
      return {
        eventId: event.eventId ?? randomUUID(),
        type: event.type,
        schemaVersion: this.schemas.currentVersion(event.type),
        data: event.data,
        occurredAt,
        correlationId: event.correlationId ?? null,
        causationId: event.causationId ?? null,
      };
    });
  }

  private upcast(event: RecordedEvent): RecordedEvent {
    if (!this.schemas.has(event.type)) return event; // read what was written by a newer version as it is
    const { data, version } = this.schemas.upcast(event.type, event.schemaVersion, event.data);
    return version === event.schemaVersion && data === event.data ? event : { ...event, data, schemaVersion: version };
  }
}

/** An append signal remembered until cleared: set by the adapter's callback, awaited by the subscription. */
class Wake {
  private pending = false;
  private resolve?: () => void;

  set(): void {
    this.pending = true;
    this.resolve?.();
  }

  clear(): void {
    this.pending = false;
  }

  /** Resolves once set (at once if it already is), after `timeoutMs` (the poll), or on abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.resolve = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** Waits `ms` (nothing when it is not positive), or until aborted. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
