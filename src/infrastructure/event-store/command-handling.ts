import { AppendOutcomeUnknownError, StoreUnavailableError, WrongExpectedRevisionError } from './errors';
import type { EventStore, NewEvent, RecordedEvent } from './event-store.port';

export interface Decider<State, Command> {
  readonly initialState: State;
  evolve(state: State, event: RecordedEvent): State;
  /** Pure: the events a command produces from a state, or a Refusal. */
  decide(command: Command, state: State, now: Date): NewEvent[];
}

/**
 * Folds a stream into its state. With `tail`, only the newest events count (for deciders whose state is a
 * recent window, like failed sign-ins), so the cost stays flat however long the stream grows.
 */
export async function loadState<State>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, unknown>, 'initialState' | 'evolve'>,
  options: { tail?: number } = {},
) {
  const events = options.tail ? (await store.readStream(streamId, { backwards: true, maxCount: options.tail })).reverse() : await store.readStream(streamId);
  return {
    state: events.reduce(decider.evolve, decider.initialState),
    revision: events.length === 0 ? ('no_stream' as const) : events[events.length - 1]!.revision,
    events,
  };
}

/**
 * Load, decide, append with the revision that was read; on a concurrent change, load and decide again
 * (a few times). Returns the state after the new events. `beforeAppend` runs between the decision and its
 * append (on every attempt): a check or a write that must follow the decider's refusals and precede the event.
 */
export async function handle<State, Command>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command>,
  command: Command,
  context: {
    now?: () => Date;
    correlationId?: string;
    tail?: number;
    attempts?: number;
    beforeAppend?: (state: State, events: NewEvent[]) => Promise<void>;
  } = {},
): Promise<{ state: State; events: NewEvent[] }> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadState(store, streamId, decider, { tail: context.tail });
    const events = decider.decide(command, state, (context.now ?? (() => new Date()))());
    if (events.length === 0) return { state, events };
    await context.beforeAppend?.(state, events);
    try {
      const stamped = events.map((e) => ({ ...e, correlationId: context.correlationId }));
      const result = await store.appendToStream(streamId, stamped, { expectedRevision: revision });
      // Fold the new events as they were stored, so the caller sees the state a reload would give.
      const stored = await store.readStream(streamId, { fromRevision: result.nextExpectedRevision - BigInt(events.length) + 1n }).catch((error: unknown) => {
        // Recorded, but not read back: "unavailable" would tell the client nothing was recorded.
        if (error instanceof StoreUnavailableError)
          throw new AppendOutcomeUnknownError(streamId, `Recorded in ${streamId}, but not read back`, { cause: error });
        throw error;
      });
      return { state: stored.reduce(decider.evolve, state), events };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < (context.attempts ?? 3)) continue;
      throw error;
    }
  }
}
