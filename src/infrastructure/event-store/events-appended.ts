import type { EventData } from './event-store.port';

/**
 * Published on the Nest EventBus after events are stored through this process's EventStore, for
 * in-process reactions (waking the balikan worker, refreshing in-memory register state). The store stays
 * the source of truth: a reaction that misses this (another process appended, or this one restarted)
 * must still be right when it next reads the store. Handlers: `@EventsHandler(EventsAppended)`.
 */
export class EventsAppended {
  constructor(
    readonly streamId: string,
    readonly events: readonly { readonly eventId: string; readonly type: string; readonly data: EventData }[],
  ) {}

  has(...types: string[]): boolean {
    return this.events.some((e) => types.includes(e.type));
  }
}
