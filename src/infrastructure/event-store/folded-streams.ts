import { RecheckedCache, type RecheckedCacheOptions } from '../freshness/rechecked-cache';
import type { Decider } from './command-handling';
import type { EventStore } from './event-store.port';

interface Folded<State> {
  readonly state: State;
  /** The revision of the last event folded into `state`; -1 before the first. */
  readonly revision: bigint;
}

/**
 * Streams folded into their state and held in memory, kept within the freshness bound of a
 * RecheckedCache: a recheck reads only the events after the revision held (normally none: one indexed
 * read). The owner calls `changed(streamId)` for appends made in this process, which count at once.
 */
export class FoldedStreams<State> {
  private readonly cache: RecheckedCache<string, Folded<State>>;
  private readonly initialState: State;

  constructor(
    store: Pick<EventStore, 'readStream'>,
    decider: Pick<Decider<State, unknown>, 'initialState' | 'evolve'>,
    options: Omit<RecheckedCacheOptions<Folded<State>>, 'merge'>,
  ) {
    this.initialState = decider.initialState;
    this.cache = new RecheckedCache(
      async (streamId, held) => {
        const from = held ? held.revision + 1n : 0n;
        const fresh = await store.readStream(streamId, { fromRevision: from });
        if (fresh.length === 0) return held; // a stream nobody wrote is not held: random ids cannot crowd out real ones
        return { state: fresh.reduce(decider.evolve, held?.state ?? decider.initialState), revision: fresh.at(-1)!.revision };
      },
      // Two rechecks may overlap: keep the one that folded further.
      { ...options, merge: (held, loaded) => (loaded.revision >= held.revision ? loaded : held) },
    );
  }

  async state(streamId: string): Promise<State> {
    return (await this.cache.get(streamId))?.state ?? this.initialState;
  }

  /** An append to this stream in this process: the next use reads it. */
  changed(streamId: string): void {
    this.cache.invalidate(streamId);
  }
}
