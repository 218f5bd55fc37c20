import type { Decider } from '../../src/infrastructure/event-store/command-handling';
import type { EventData, NewEvent, RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { Refusal } from '../../src/infrastructure/refusal';

/**
 * The one given/when/then harness for deciders: given these events (stored, as a load would fold them),
 * when this command at this time, then these events, or this refusal. Every decider spec uses it.
 *
 *   deciderSpec(facilityDecider).given(registered).when(command).thenTypes('CardReaderRegistered')
 */
export function deciderSpec<State, Command>(decider: Decider<State, Command>, options: { streamId?: string } = {}) {
  return {
    given(...history: (NewEvent | NewEvent[])[]) {
      const events = history.flat();
      const state = events.map((event, index) => recorded(event, index, options.streamId ?? 'spec')).reduce(decider.evolve, decider.initialState);
      return {
        /** The state the given events fold to, for assertions on evolve alone. */
        state,
        when(command: Command, now: Date = new Date('2026-01-15T03:00:00Z')) {
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
              if ('events' in outcome) throw new Error(`expected the refusal ${code}, the decider produced ${outcome.events.map((e) => e.type).join(', ') || 'no events'}`);
              const refusal = outcome.refusal;
              if (!(refusal instanceof Refusal)) throw refusal;
              expect(refusal.code).toBe(code);
              if (status !== undefined) expect(refusal.status).toBe(status);
              return refusal;
            },
            /** The events produced, for assertions the helpers above do not cover. */
            get events() {
              return produced();
            },
          };
        },
      };
    },
  };
}

function recorded(event: NewEvent, index: number, streamId: string): RecordedEvent {
  return {
    eventId: event.eventId ?? `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    type: event.type,
    schemaVersion: 1,
    streamId,
    revision: BigInt(index),
    globalPosition: { commit: BigInt(index), prepare: BigInt(index) },
    occurredAt: event.occurredAt ?? new Date('2026-01-01T00:00:00Z'),
    correlationId: event.correlationId ?? null,
    causationId: null,
    data: event.data,
  };
}

function describe(error: unknown): string {
  return error instanceof Refusal ? `${error.status} ${error.code}: ${error.message}` : String(error);
}
