import type { ExpectedRevision } from './event-store.port';

/** Base of every error the event store raises; messages never carry event values. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stream is not at the revision the caller decided on: reload, decide again, retry. */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream ${streamId} is at revision ${String(actual)}, expected ${String(expected)}`);
  }
}

/** The store cannot be reached or refused service; safe to retry later. */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'EVENT_STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The store took an append but did not confirm it (its deadline passed, or the server cancelled the call):
 * the events may or may not be recorded. Not the same as unavailable: repeating the command blindly may
 * record it twice unless it is idempotent (an Idempotency-Key), so the caller is told to check first.
 */
export class AppendOutcomeUnknownError extends EventStoreError {
  readonly code = 'EVENT_STORE_OUTCOME_UNKNOWN';
  constructor(
    readonly streamId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An append larger than the store takes in one write (EventStoreDB's maximum append size, 1 MiB by
 * default). Nothing was written. Never split: an append is atomic, and its events are one decision.
 */
export class AppendTooLargeError extends EventStoreError {
  readonly code = 'EVENT_APPEND_TOO_LARGE';
  constructor(
    readonly streamId: string,
    /** The append's size as the server counts it, when measured before sending. */
    readonly bytes: number | undefined,
    readonly limit: number,
  ) {
    super(`An append to ${streamId} of ${bytes === undefined ? 'more than' : `${bytes} bytes, more than`} ${limit} bytes was refused; nothing was written`);
  }
}

export type EventRejectionReason = 'EVENT_TYPE_UNKNOWN' | 'EVENT_FIELD_UNKNOWN' | 'EVENT_DATA_INVALID' | 'PERSONAL_DATA_REFUSED' | 'EVENT_ENVELOPE_INVALID';

/**
 * The privacy guard refused an event. Nothing of the append was written. The message names the event
 * type and the field path, never the value.
 */
export class EventRejectedError extends EventStoreError {
  constructor(
    readonly code: EventRejectionReason,
    readonly eventType: string,
    readonly path: string,
    detail: string,
  ) {
    super(`Event ${eventType} refused (${code}) at ${path || '/'}: ${detail}`);
  }
}

/** An event id was appended twice. */
export class DuplicateEventError extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly streamId: string) {
    super(`An event with the same id already exists (stream ${streamId})`);
  }
}

/**
 * The store holds events it cannot place new ones after (PostgreSQL restored with pg_dump into another
 * cluster whose transaction counter is behind the stored transaction ids): every append would sort before
 * events readers have passed, and be skipped by them. Start-up stops; docs/operations.md says how to fix it.
 */
export class StoreOrderBrokenError extends EventStoreError {
  readonly code = 'EVENT_STORE_ORDER_BROKEN';
  constructor(message: string) {
    super(message);
  }
}
