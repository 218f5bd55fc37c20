import type { Decider } from '../../src/infrastructure/event-store/command-handling';
import type { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import type { EventData, NewEvent, RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { Refusal } from '../../src/infrastructure/refusal';

/** When a spec does not say: mid-morning in Jakarta on an ordinary working day. */
export const SPEC_NOW = new Date('2026-01-15T03:00:00Z');
const STORED_AT = new Date('2026-01-01T00:00:00Z');

/** A given event; `schemaVersion` marks one stored at an older version (read through the event schemas' upcasters). */
export type GivenEvent = NewEvent & { readonly schemaVersion?: number };

export interface DeciderSpecOptions {
  readonly streamId?: string;
  /** Fold only the newest `tail` events, as `loadState(..., { tail })` does for window deciders. */
  readonly tail?: number;
  /** Read given events as the store reads them: older schema versions upcast to the current one. */
  readonly schemas?: EventSchemas;
}

/**
 * The one given/when/then harness for deciders: given these events (stored, as a load would fold them),
 * when this command at this time, then these events, or this refusal. Every decider spec uses it.
 *
 *   deciderSpec(facilityDecider).given(registered).when(command).thenTypes('CardReaderRegistered')
 *
 * A given event without `occurredAt` was stored at 2026-01-01; events the command produces are stored at
 * its `now` (SPEC_NOW unless given). `when(...).history` continues a story: `spec.given(...w.history)`.
 */
export function deciderSpec<State, Command>(decider: Decider<State, Command>, options: DeciderSpecOptions = {}) {
  const fold = (events: readonly GivenEvent[]): State => {
    const read = options.tail ? events.slice(-options.tail) : events;
    return read.map((event, index) => recorded(event, index, options)).reduce(decider.evolve, decider.initialState);
  };
  return {
    given(...history: (GivenEvent | GivenEvent[])[]) {
      const events = history.flat();
      const state = fold(events);
      return {
        /** The state the given events fold to, for assertions on evolve alone. */
        state,
        when(command: Command, now: Date = SPEC_NOW) {
          let outcome: { events: NewEvent[] } | { refusal: unknown };
          try {
            outcome = { events: decider.decide(command, state, now) };
          } catch (error) {
            outcome = { refusal: error };
          }
          const produced = (): NewEvent[] => {
            if ('events' in outcome) return outcome.events;
            throw new Error(`expected events, the decider refused: ${describe(outcome.refusal)}`);
          };
          const refusal = (): Refusal | undefined => {
            if ('events' in outcome) return undefined;
            if (outcome.refusal instanceof Refusal) return outcome.refusal;
            throw outcome.refusal;
          };
          const after = (): GivenEvent[] =>
            'events' in outcome ? [...events, ...outcome.events.map((e) => ({ ...e, occurredAt: e.occurredAt ?? now }))] : events;
          return {
            /** Exactly these events (type and data), in order. */
            thenEvents(...expected: { type: string; data: EventData }[]) {
              expect(produced().map(({ type, data }) => ({ type, data }))).toEqual(expected);
            },
            /** Events matching these partial shapes, in order, and no others. */
            thenMatching(...expected: { type: string; data?: Partial<EventData> }[]) {
              const events = produced();
              expect(events).toHaveLength(expected.length);
              expected.forEach((shape, index) => expect(events[index]).toMatchObject(shape));
            },
            thenTypes(...types: string[]) {
              expect(produced().map((event) => event.type)).toEqual(types);
            },
            /** The command is accepted and changes nothing (an idempotent repeat). */
            thenNothing() {
              expect(produced()).toEqual([]);
            },
            /** Refused with this code (and status, when given); no event is produced. */
            thenRefused(code: string, status?: number) {
              if ('events' in outcome)
                throw new Error(`expected the refusal ${code}, the decider produced ${outcome.events.map((e) => e.type).join(', ') || 'no events'}`);
              const refused = refusal()!;
              expect(refused.code).toBe(code);
              if (status !== undefined) expect(refused.status).toBe(status);
              return refused;
            },
            /** The events produced, for assertions the helpers above do not cover. */
            get events() {
              return produced();
            },
            /** The refusal, or undefined when the command was accepted (for specs that walk a sequence). */
            get refusal() {
              return refusal();
            },
            /** The given events and the produced ones (stored at `now`); the given ones alone when refused. */
            get history() {
              return after();
            },
            /** The state a reload would give after the command (the given state when refused). */
            get state() {
              return fold(after());
            },
          };
        },
      };
    },
  };
}

function recorded(event: GivenEvent, index: number, options: DeciderSpecOptions): RecordedEvent {
  const stored = options.schemas?.upcast(event.type, event.schemaVersion ?? options.schemas.currentVersion(event.type), event.data);
  return {
    eventId: event.eventId ?? `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    type: event.type,
    schemaVersion: stored?.version ?? event.schemaVersion ?? 1,
    streamId: options.streamId ?? 'spec',
    revision: BigInt(index),
    globalPosition: { commit: BigInt(index), prepare: BigInt(index) },
    occurredAt: event.occurredAt ?? STORED_AT,
    correlationId: event.correlationId ?? null,
    causationId: null,
    data: stored?.data ?? event.data,
  };
}

function describe(error: unknown): string {
  return error instanceof Refusal ? `${error.status} ${error.code}: ${error.message}` : String(error);
}
