import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  NotLeaderError,
  START as ESDB_START,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  isCommandError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { Readable } from 'node:stream';
// The unary Streams.Append the client itself uses when BatchAppend is off: see `append` for why.
import { append as unaryAppend } from '@eventstore/db-client/dist/streams/appendToStream/append';
import { AppendSignal } from '../append-signal';
import { ReplaceableClient } from './replaceable-client';
import { EventStoreError, StoreUnavailableError, WrongExpectedRevisionError } from '../errors';
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

interface EnvelopeMetadata {
  schemaVersion: number;
  occurredAt: string;
  correlationId: string | null;
  causationId: string | null;
}

/**
 * Event store on EventStoreDB (production / scale-out mode). Revisions and positions are EventStoreDB's
 * own; its $all order is commit order, so the late-commit problem of SQL stores does not arise.
 * Subscriptions are pull-based reads of $all (see GuardedEventStore.subscribeToAll), which gives
 * backpressure and avoids the client's un-awaited async `data` handlers (client issue #141).
 */
export interface EventStoreDbOptions {
  /**
   * Which non-system events are this application's (see ownEventFilter): on a shared cluster the others
   * must reach no reader (notary, audit export, projections). Without it every non-`$` event is read.
   */
  readonly ownEvent?: (event: StoredEvent) => boolean;
}

/** Events read per round trip when looking back from the end of $all for the last event of ours. */
const HEAD_SCAN = 100;

export class EventStoreDbEventStoreAdapter implements EventStoreAdapter {
  readonly kind = 'eventstoredb' as const;
  private readonly clients: ReplaceableClient;
  private readonly appended = new AppendSignal();
  private readonly ownEvent: (event: StoredEvent) => boolean;

  constructor(connectionString: string, options: EventStoreDbOptions = {}) {
    this.clients = new ReplaceableClient(() => EventStoreDBClient.connectionString(connectionString));
    this.ownEvent = options.ownEvent ?? (() => true);
  }

  /** The current client; `append` replaces it after a failure the client does not recover from. */
  private get client(): EventStoreDBClient {
    return this.clients.current;
  }

  async initialise(): Promise<void> {
    await this.ping();
  }

  /**
   * Always the unary Streams.Append, never BatchAppend: client 6.2.1 keeps one module-wide map of pending
   * batch appends, so one failed batch stream rejects every stream's pending append and a late answer
   * crashes the process (docs/architecture.md). `appendToStream` would take BatchAppend whenever the server
   * offers it, and first awaits the capabilities promise a failed discovery leaves rejected until restart.
   * `append` is the function `appendToStream` itself calls otherwise: same deadline, same throwOnAppendFailure.
   */
  async append(streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const client = this.client;
    try {
      return await this.appendWith(client, streamId, events, expected);
    } catch (error) {
      throw this.afterFailedAppend(client, error);
    }
  }

  private async appendWith(client: EventStoreDBClient, streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.guard(streamId, expected, async () => {
      const result = await unaryAppend.call(
        client,
        streamId,
        events.map((e) =>
          jsonEvent({
            id: e.eventId,
            type: e.type,
            data: e.data,
            metadata: {
              schemaVersion: e.schemaVersion,
              occurredAt: e.occurredAt.toISOString(),
              correlationId: e.correlationId,
              causationId: e.causationId,
            } satisfies EnvelopeMetadata,
          }),
        ),
        {
          expectedRevision: expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : expected,
          batchAppendSize: 3 * 1024 * 1024, // the type requires it; only BatchAppend reads it
        },
      );
      // Only with throwOnAppendFailure=false, which the configuration refuses; never pass a refused append.
      if (!result.success)
        throw new WrongExpectedRevisionError(streamId, expected, result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision);
      this.appended.notify();
      return {
        nextExpectedRevision: result.nextExpectedRevision,
        position: result.position ? { commit: result.position.commit, prepare: result.position.prepare } : START,
      };
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.guard(streamId, 'any', async () => {
      const events: StoredEvent[] = [];
      try {
        const read = this.client.readStream(streamId, {
          direction: options.backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.backwards ? END : (options.fromRevision ?? ESDB_START),
          maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
        });
        await consume(read, (resolved) => {
          const stored = this.toOwnEvent(resolved);
          if (stored) events.push(stored);
        });
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return events;
    });
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    const after = options.after ?? START;
    return this.guard('$all', 'any', async () => {
      const events: StoredEvent[] = [];
      // fromPosition is inclusive: everything at or before `floor` was already delivered.
      let floor: LogPosition = after;
      // System events are skipped; keep reading until the batch is full or $all ends.
      for (;;) {
        let read = 0;
        let last: LogPosition | undefined;
        const stream = this.client.readAll({
          direction: FORWARDS,
          fromPosition: floor.commit < 0n ? ESDB_START : floor,
          maxCount: options.maxCount + 1,
        }) as StreamingRead<AllStreamResolvedEvent>;
        await consume(stream, (resolved) => {
          read++;
          const position = resolved.event?.position;
          if (position) last = { commit: position.commit, prepare: position.prepare };
          const stored = this.toOwnEvent(resolved);
          if (!stored || comparePositions(stored.globalPosition, floor) <= 0) return true;
          events.push(stored);
          // The batch is full: leave the read early (it is cancelled).
          return events.length < options.maxCount;
        });
        if (events.length === options.maxCount || read <= options.maxCount || !last) return events;
        floor = last;
      }
    });
  }

  async countEvents(): Promise<undefined> {
    return undefined; // $all has no cheap count
  }

  /**
   * Reads $all backwards from its end to the last event `readAll` delivers: $all ends with system events
   * ($stats, $scavenges, ...) and, on a shared cluster, other applications' events, so its raw end would
   * never be reached by a projection. Stops at `floor` (an answer at or below it: nothing of ours past it).
   */
  async headPosition(floor?: LogPosition): Promise<LogPosition> {
    return this.guard('$all', 'any', async () => {
      let from: LogPosition | undefined; // undefined: the end of $all
      for (;;) {
        let read = 0;
        const before = from;
        let head: LogPosition | undefined;
        const scan = this.client.readAll({
          direction: BACKWARDS,
          fromPosition: from ?? END,
          maxCount: HEAD_SCAN,
        }) as StreamingRead<AllStreamResolvedEvent>;
        await consume(scan, (resolved) => {
          read++;
          const raw = resolved.event?.position;
          if (!raw) return true;
          const position = { commit: raw.commit, prepare: raw.prepare };
          // Whether a backwards read from a position includes it or not, take each event once.
          if (from && comparePositions(position, from) >= 0) return true;
          from = position;
          if ((floor && comparePositions(position, floor) <= 0) || this.toOwnEvent(resolved)) head = position;
          return head === undefined;
        });
        if (head) return head;
        if (read < HEAD_SCAN || !from || from === before) return START;
      }
    });
  }

  /**
   * $all read forwards from the position (inclusive): the record there, if it is an event of ours. (How a
   * server answers a position that is no record boundary of its log, another cluster's, is untested here:
   * an error fails the projection's run, retried and logged, never a silent skip.)
   */
  async eventAt(position: LogPosition): Promise<StoredEvent | undefined> {
    if (position.commit < 0n || position.prepare < 0n) return undefined;
    return this.guard('$all', 'any', async () => {
      let found: StoredEvent | undefined;
      const read = this.client.readAll({ direction: FORWARDS, fromPosition: position, maxCount: 1 }) as StreamingRead<AllStreamResolvedEvent>;
      await consume(read, (resolved) => {
        const stored = this.toOwnEvent(resolved);
        found = stored && comparePositions(stored.globalPosition, position) === 0 ? stored : undefined;
        return false;
      });
      return found;
    });
  }

  /**
   * Readiness: a leader-required read of $all's last event. A follower's answer is no proof that appends can
   * succeed, and neither is a read while discovery fails; after a not-leader answer the client reconnects to
   * the leader it names, so the read is tried once more.
   */
  async ping(): Promise<void> {
    await this.guard('$all', 'any', async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await consume(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, requiresLeader: true }), () => false);
          return;
        } catch (error) {
          if (!(error instanceof NotLeaderError) || attempt === 2) throw error;
        }
      }
    });
  }

  onAppended(listener: () => void): () => void {
    return this.appended.on(listener);
  }

  async close(): Promise<void> {
    this.appended.clear();
    await this.clients.close();
  }

  /**
   * A failed append whose cause the client may not recover from (an error it has no type for, a failed
   * discovery) replaces the client, so the next command starts afresh; this one answers StoreUnavailableError.
   * Typed answers pass as they are: a wrong revision, and the client's own typed errors (unavailable, not
   * leader, deadline), after which the client reconnects by itself.
   */
  private afterFailedAppend(client: EventStoreDBClient, error: unknown): unknown {
    const discovery = isDiscoveryFailure(error);
    const untyped = error instanceof UnknownError || !(error instanceof EventStoreError || isCommandError(error as Error));
    if (!discovery && !untyped) return error;
    this.clients.replace(client);
    if (error instanceof StoreUnavailableError) return error;
    const reason = discovery
      ? 'no node found by discovery'
      : `${(error as Error)?.name ?? 'error'}: ${String((error as Error)?.message ?? error).split('\n')[0]}`;
    return new StoreUnavailableError(`EventStoreDB append failed (${reason}); the client was recreated`, { cause: error });
  }

  private toOwnEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
    const stored = toStoredEvent(resolved);
    return stored && this.ownEvent(stored) ? stored : undefined;
  }

  private async guard<T>(streamId: string, expected: ExpectedRevision, work: () => Promise<T>): Promise<T> {
    // The call counts against the client current now, so replacing that client does not cancel it.
    const lease = this.clients.lease();
    try {
      return await work();
    } catch (error) {
      if (error instanceof EventStoreError) throw error;
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevisionError(streamId, expected, typeof actual === 'bigint' ? actual : 'no_stream');
      }
      // Against a closed port appendToStream fails with a plain gRPC error (code 14), not UnavailableError.
      if (error instanceof UnavailableError || (error as { code?: unknown }).code === 14) {
        throw new StoreUnavailableError(`EventStoreDB unavailable: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    } finally {
      lease.release();
    }
  }
}

/**
 * Reads one of the client's read streams through `onEvent` (which answers false to stop). Leaving a
 * `for await` over the client's stream early only destroys the client's wrapper: the gRPC call stays open,
 * and an answer already complete stays unread, so `client.dispose()` then waits for it forever. So on any
 * early exit the call is cancelled and what it had buffered is dropped.
 */
async function consume<E>(read: StreamingRead<E>, onEvent: (event: E) => boolean | void): Promise<void> {
  let call: (Readable & { cancel?: () => void }) | undefined;
  let abandoned = false;
  const release = (source: Readable & { cancel?: () => void }) => {
    source.cancel?.();
    source.resume();
  };
  // The client pipes its gRPC call into `read` once the call is made: that is how the call is reached.
  read.once('pipe', (source: unknown) => {
    call = source as Readable & { cancel?: () => void };
    if (abandoned) release(call);
  });
  let finished = false;
  try {
    for await (const event of read as AsyncIterable<E>) {
      if (onEvent(event) === false) break;
    }
    finished = read.readableEnded;
  } finally {
    if (!finished) {
      abandoned = true;
      if (call) release(call);
      else void read.cancel().catch(() => undefined);
    }
  }
}

/** Client 6.2.1 reports a failed discovery as a plain Error (Client/discovery.js), possibly as a cause. */
function isDiscoveryFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (/^Failed to discover after \d+ attempts/.test(e.message)) return true;
  }
  return false;
}

function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const event = resolved.event;
  if (!event || event.type.startsWith('$') || event.streamId.startsWith('$') || !event.position) return undefined;
  const metadata = (event.metadata ?? {}) as Partial<EnvelopeMetadata>;
  return {
    eventId: event.id,
    type: event.type,
    schemaVersion: metadata.schemaVersion ?? 1,
    streamId: event.streamId,
    revision: event.revision,
    globalPosition: { commit: event.position.commit, prepare: event.position.prepare },
    occurredAt: new Date(metadata.occurredAt ?? event.created),
    correlationId: metadata.correlationId ?? null,
    causationId: metadata.causationId ?? null,
    data: event.data as Record<string, unknown>,
  };
}
