import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
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
import { AppendOutcomeUnknownError, AppendTooLargeError, EventStoreError, StoreUnavailableError, WrongExpectedRevisionError } from '../errors';
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

export interface EventStoreDbOptions {
  /**
   * Which non-system events are this application's (see ownEventFilter): on a shared cluster the others
   * must reach no reader (notary, audit export, projections). Without it every non-`$` event is read.
   */
  readonly ownEvent?: (event: StoredEvent) => boolean;
  /**
   * How long a read may take before it is cancelled and answered as unavailable (EVENTSTORE_READ_TIMEOUT_MS).
   * Client 6.2.1 sends reads with no deadline at all, so a stalled node would hang them for ever.
   */
  readonly readTimeoutMs?: number;
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000;

/** EventStoreDB's default maximum append size (server setting MaxAppendSize). */
export const MAX_APPEND_BYTES = 1024 * 1024;

/** gRPC status codes the client can leave unconverted (a raw call error). */
const grpcStatus = { CANCELLED: 1, DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const;

/** Calls that require the leader: tried on the leader a not-leader answer names, this many times in all. */
const LEADER_ATTEMPTS = 3;

/** Events read per round trip when looking back from the end of $all for the last event of ours. */
const HEAD_SCAN = 100;

/**
 * Event store on EventStoreDB (production / scale-out mode). Revisions and positions are EventStoreDB's
 * own; its $all order is commit order, so the late-commit problem of SQL stores does not arise.
 * Subscriptions are pull-based reads of $all (see GuardedEventStore.subscribeToAll), which gives
 * backpressure and avoids the client's un-awaited async `data` handlers (client issue #141).
 */
export class EventStoreDbEventStoreAdapter implements EventStoreAdapter {
  readonly kind = 'eventstoredb' as const;
  private readonly clients: ReplaceableClient;
  private readonly appended = new AppendSignal();
  private readonly ownEvent: (event: StoredEvent) => boolean;
  private readonly readTimeoutMs: number;

  constructor(connectionString: string, options: EventStoreDbOptions = {}) {
    this.clients = new ReplaceableClient(() => EventStoreDBClient.connectionString(connectionString));
    this.ownEvent = options.ownEvent ?? (() => true);
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
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
    // Refused before sending rather than split: an append is atomic (one decision's events, one revision).
    const proposed = events.map(toProposed);
    const bytes = appendSize(proposed);
    if (bytes > MAX_APPEND_BYTES) throw new AppendTooLargeError(streamId, bytes, MAX_APPEND_BYTES);
    return this.guard(streamId, expected, 'append', (client) => this.appendWith(client, streamId, proposed, expected));
  }

  private async appendWith(
    client: EventStoreDBClient,
    streamId: string,
    proposed: ReturnType<typeof toProposed>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    // requiresLeader: a resigned leader that stays up answers not-leader instead of taking the write.
    const result = await this.onLeader(() =>
      unaryAppend.call(client, streamId, proposed, {
        expectedRevision: expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : expected,
        batchAppendSize: 3 * 1024 * 1024, // the type requires it; only BatchAppend reads it
        requiresLeader: true,
      }),
    );
    // Only with throwOnAppendFailure=false, which the configuration refuses; never pass a refused append.
    if (!result.success) throw new WrongExpectedRevisionError(streamId, expected, result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision);
    this.appended.notify();
    return {
      nextExpectedRevision: result.nextExpectedRevision,
      position: result.position ? { commit: result.position.commit, prepare: result.position.prepare } : START,
    };
  }

  /**
   * Command side: a handler decides on what it reads here, then appends at that revision. So the read
   * requires the leader: a follower (or a resigned leader) may lag, and a decision on stale state ends
   * in a conflict its retries cannot resolve.
   */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.guard(streamId, 'any', 'read', (client) =>
      this.onLeader(async () => {
        const events: StoredEvent[] = [];
        try {
          const read = client.readStream(streamId, {
            direction: options.backwards ? BACKWARDS : FORWARDS,
            fromRevision: options.backwards ? END : (options.fromRevision ?? ESDB_START),
            maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
            requiresLeader: true,
          });
          await consume(read, this.readTimeoutMs, (resolved) => {
            const stored = this.toOwnEvent(resolved);
            if (stored) events.push(stored);
          });
        } catch (error) {
          if (error instanceof StreamNotFoundError) return [];
          throw error;
        }
        return events;
      }),
    );
  }

  /**
   * Projections, the notary and exports: may be served by a follower (no requiresLeader). They only
   * follow the log in order from a checkpoint, so a lagging node delays them and never makes them
   * skip or decide wrongly; the leader is spared their reads.
   */
  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    const after = options.after ?? START;
    return this.guard('$all', 'any', 'read', async (client) => {
      const events: StoredEvent[] = [];
      // fromPosition is inclusive: everything at or before `floor` was already delivered.
      let floor: LogPosition = after;
      // System events are skipped; keep reading until the batch is full or $all ends.
      for (;;) {
        let read = 0;
        let last: LogPosition | undefined;
        const stream = client.readAll({
          direction: FORWARDS,
          fromPosition: floor.commit < 0n ? ESDB_START : floor,
          maxCount: options.maxCount + 1,
        }) as StreamingRead<AllStreamResolvedEvent>;
        await consume(stream, this.readTimeoutMs, (resolved) => {
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
   * Asked of the leader: a lagging follower's end would let a report, pinned by its hash, miss accesses the
   * leader already holds.
   */
  async headPosition(floor?: LogPosition): Promise<LogPosition> {
    return this.guard('$all', 'any', 'read', (client) => this.onLeader(() => this.scanHead(client, floor)));
  }

  private async scanHead(client: EventStoreDBClient, floor?: LogPosition): Promise<LogPosition> {
    let from: LogPosition | undefined; // undefined: the end of $all
    for (;;) {
      let read = 0;
      const before = from;
      let head: LogPosition | undefined;
      const scan = client.readAll({
        direction: BACKWARDS,
        fromPosition: from ?? END,
        maxCount: HEAD_SCAN,
        requiresLeader: true,
      }) as StreamingRead<AllStreamResolvedEvent>;
      await consume(scan, this.readTimeoutMs, (resolved) => {
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
  }

  /**
   * $all read forwards from the position (inclusive): the record there, if it is an event of ours. (How a
   * server answers a position that is no record boundary of its log, another cluster's, is untested here:
   * an error fails the projection's run, retried and logged, never a silent skip.)
   */
  async eventAt(position: LogPosition): Promise<StoredEvent | undefined> {
    if (position.commit < 0n || position.prepare < 0n) return undefined;
    return this.guard('$all', 'any', 'read', async (client) => {
      let found: StoredEvent | undefined;
      const read = client.readAll({ direction: FORWARDS, fromPosition: position, maxCount: 1 }) as StreamingRead<AllStreamResolvedEvent>;
      await consume(read, this.readTimeoutMs, (resolved) => {
        // Identity needs the id alone: not today's filter, which a later release may tighten (a false refusal).
        const stored = toStoredEvent(resolved);
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
    await this.guard('$all', 'any', 'read', (client) =>
      this.onLeader(
        () => consume(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, requiresLeader: true }), this.readTimeoutMs, () => false),
        2,
      ),
    );
  }

  onAppended(listener: () => void): () => void {
    return this.appended.on(listener);
  }

  async close(): Promise<void> {
    this.appended.clear();
    await this.clients.close();
  }

  private toOwnEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
    const stored = toStoredEvent(resolved);
    return stored && this.ownEvent(stored) ? stored : undefined;
  }

  /**
   * A call that must reach the leader: on not-leader, the client re-targets its channel to the leader the
   * answer names (Client.handleError), so the call is made again there, a bounded number of times
   * (an election in progress can name a node that is no longer leader either).
   */
  private async onLeader<T>(work: () => Promise<T>, attempts = LEADER_ATTEMPTS): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof NotLeaderError)) throw error;
        if (attempt >= attempts) {
          throw new StoreUnavailableError(
            `EventStoreDB: no leader took the call after ${attempt} attempts (last named ${error.leader.address}:${error.leader.port})`,
            {
              cause: error,
            },
          );
        }
        // The client's error handler re-targets the channel after an await: let it run first.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  /**
   * Runs a call on the client current now, leased so that replacing it does not cancel the call; every read
   * of the call (each round, each retry) goes through that one client. Maps the client's errors to the port's
   * typed errors: nothing of the store's reaches a user as a 500.
   */
  private async guard<T>(
    streamId: string,
    expected: ExpectedRevision,
    operation: 'append' | 'read',
    work: (client: EventStoreDBClient) => Promise<T>,
  ): Promise<T> {
    const lease = this.clients.lease();
    try {
      return await work(lease.client);
    } catch (error) {
      // An append failure the client may not recover from by itself (a failed discovery leaves its
      // capabilities promise rejected until restart; an error it has no type for) replaces the client, so the
      // next command starts afresh. Typed answers (unavailable, not leader, deadline) it recovers from itself.
      if (operation === 'append' && (isDiscoveryFailure(error) || error instanceof UnknownError || !isKnown(error))) this.clients.replace(lease.client);
      throw typed(error, streamId, expected, operation);
    } finally {
      lease.release();
    }
  }
}

function isKnown(error: unknown): boolean {
  return error instanceof EventStoreError || (error instanceof Error && isCommandError(error));
}

/** The client's error as the port's typed error. */
function typed(error: unknown, streamId: string, expected: ExpectedRevision, operation: 'append' | 'read'): unknown {
  if (error instanceof EventStoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedRevisionError(streamId, expected, typeof actual === 'bigint' ? actual : 'no_stream');
  }
  if (error instanceof MaxAppendSizeExceededError) return new AppendTooLargeError(streamId, undefined, error.maxAppendSize);
  const code = (error as { code?: unknown })?.code;
  const message = String((error as Error)?.message ?? error).split('\n')[0];
  // No node to send it to: the append was never sent.
  if (isDiscoveryFailure(error)) return new StoreUnavailableError(`EventStoreDB unavailable, no node found: ${message}`, { cause: error });
  // Against a closed port appendToStream fails with a plain gRPC error (code 14), not UnavailableError.
  // A not-leader left over (not retried) was refused by a follower: not written.
  if (error instanceof UnavailableError || error instanceof NotLeaderError || code === grpcStatus.UNAVAILABLE) {
    return new StoreUnavailableError(`EventStoreDB unavailable: ${message}`, { cause: error });
  }
  if (operation === 'read') {
    // A stalled, cancelled or failing read (e.g. no leader during an election: UnknownError): retry later.
    if (isKnown(error) || code === grpcStatus.DEADLINE_EXCEEDED || code === grpcStatus.CANCELLED) {
      return new StoreUnavailableError(`EventStoreDB did not answer a read: ${message}`, { cause: error });
    }
    return error; // not the store's: a defect, answered as one
  }
  // The append was sent and not confirmed: a deadline passed, the server cancelled it or timed out its commit
  // (ABORTED: TimeoutError), or failed in a way the client has no type for. It may have been written.
  return new AppendOutcomeUnknownError(streamId, `EventStoreDB did not confirm an append to ${streamId} (${message}): it may or may not be recorded`, {
    cause: error,
  });
}

/**
 * Reads one of the client's read streams through `onEvent` (which answers false to stop). Leaving a
 * `for await` over the client's stream early only destroys the client's wrapper: the gRPC call stays open,
 * and an answer already complete stays unread, so `client.dispose()` then waits for it forever. So on any
 * early exit the call is cancelled and what it had buffered is dropped.
 */
async function consume<E>(read: StreamingRead<E>, timeoutMs: number, onEvent: (event: E) => boolean | void): Promise<void> {
  let call: (Readable & { cancel?: () => void }) | undefined;
  let abandoned = false;
  const release = (source: Readable & { cancel?: () => void }) => {
    source.cancel?.();
    source.resume();
  };
  // The client pipes its gRPC call into `read` once the call is made: that is how the call is reached.
  read.once('pipe', (source: unknown) => {
    call = source as Readable & { cancel?: () => void };
    if (abandoned) return release(call);
    // The client's ReadStream ignores a cancellation from the client's side and ends normally, so a call
    // cancelled by anything but us (a dispose) would read as complete: fail it instead. The error comes
    // before the stream's end reaches this reader.
    call.on('error', (error) => {
      if (!abandoned && !done && cancelledOnClient(error)) read.destroy(new StoreUnavailableError('EventStoreDB read cancelled before it ended'));
    });
  });
  // The client's reads carry no deadline (6.2.1 sends Infinity): past ours, the read fails and is cancelled.
  const timer = setTimeout(() => read.destroy(new StoreUnavailableError(`EventStoreDB did not finish a read within ${timeoutMs} ms`)), timeoutMs);
  let finished = false;
  let done = false; // consumed: a later cancellation (a dispose) concerns no reader
  try {
    for await (const event of read as AsyncIterable<E>) {
      if (onEvent(event) === false) break;
    }
    finished = read.readableEnded;
  } finally {
    done = true;
    clearTimeout(timer);
    if (!finished) {
      abandoned = true;
      if (call) release(call);
      else void read.cancel().catch(() => undefined);
    }
  }
}

/** grpc-js's answer to a call cancelled on the client's side (what the client's ReadStream ignores). */
function cancelledOnClient(error: unknown): boolean {
  const e = error as { code?: unknown; details?: unknown };
  return e?.code === grpcStatus.CANCELLED && e.details === 'Cancelled on client';
}

/** Client 6.2.1 reports a failed discovery as a plain Error (Client/discovery.js), possibly as a cause. */
function isDiscoveryFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (/^Failed to discover after \d+ attempts/.test(e.message)) return true;
  }
  return false;
}

function toProposed(e: PreparedEvent) {
  return jsonEvent({
    id: e.eventId,
    type: e.type,
    data: e.data,
    metadata: {
      schemaVersion: e.schemaVersion,
      occurredAt: e.occurredAt.toISOString(),
      correlationId: e.correlationId,
      causationId: e.causationId,
    } satisfies EnvelopeMetadata,
  });
}

/** The append's size as EventStoreDB counts it against its maximum: data, metadata and twice the type's length. */
function appendSize(events: ReadonlyArray<{ type: string; data: unknown; metadata?: unknown }>): number {
  let bytes = 0;
  for (const e of events) {
    bytes +=
      Buffer.byteLength(JSON.stringify(e.data), 'utf8') +
      (e.metadata === undefined ? 0 : Buffer.byteLength(JSON.stringify(e.metadata), 'utf8')) +
      e.type.length * 2;
  }
  return bytes;
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
