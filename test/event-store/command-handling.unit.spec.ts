import { randomUUID } from 'node:crypto';
import { handle, loadState, type Decider } from '../../src/infrastructure/event-store/command-handling';
import { AppendOutcomeUnknownError, StoreUnavailableError, WrongExpectedRevisionError } from '../../src/infrastructure/event-store/errors';
import type { EventStore, NewEvent } from '../../src/infrastructure/event-store/event-store.port';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import { InMemoryEventStoreAdapter } from '../../src/infrastructure/event-store/in-memory/in-memory-event-store.adapter';
import { Refusal } from '../../src/infrastructure/refusal';
import { testEventSchemas } from '../support/test-event-schemas';

/** A counter with a ceiling: enough of a decider to show how a command is loaded, decided and appended. */
interface Tally {
  readonly total: number;
  readonly seen: number;
}
type Add = { amount: number; ceiling: number };
const tally: Decider<Tally, Add> = {
  initialState: { total: 0, seen: 0 },
  evolve: (state, event) => ({ total: state.total + (event.data as { amount: number }).amount, seen: state.seen + 1 }),
  decide({ amount, ceiling }, state) {
    if (state.total + amount > ceiling) throw new Refusal(409, 'OVER_CEILING', 'The total would pass the ceiling.');
    return amount === 0 ? [] : [{ type: 'FixtureCounted', data: { key: 'a', amount } }];
  },
};
const schemas = testEventSchemas();
const counted = (amount: number): NewEvent => ({ type: 'FixtureCounted', data: { key: 'a', amount } });

describe('Handling a command: load, decide, append at the revision that was read', () => {
  let store: EventStore;
  let stream: string;
  beforeEach(() => {
    store = new GuardedEventStore(new InMemoryEventStoreAdapter(), schemas);
    stream = `tally-${randomUUID()}`;
  });

  it('appends what the decider decided on the stream as it was, and answers the state a reload would give', async () => {
    await store.appendToStream(stream, [counted(2), counted(3)]);
    const correlationId = randomUUID();
    const result = await handle(store, stream, tally, { amount: 4, ceiling: 10 }, { correlationId });
    expect(result.events.map((e) => e.data)).toEqual([{ key: 'a', amount: 4 }]);
    expect(result.state).toEqual({ total: 9, seen: 3 });
    expect((await loadState(store, stream, tally)).state).toEqual(result.state);
    const [last] = await store.readStream(stream, { backwards: true, maxCount: 1 });
    expect(last).toMatchObject({ revision: 2n, correlationId });
  });

  it('says the change may be recorded, not that the store was unavailable, when the store fails just after taking it', async () => {
    await store.appendToStream(stream, [counted(2)]);
    const readStream = store.readStream.bind(store);
    let reads = 0;
    jest.spyOn(store, 'readStream').mockImplementation(async (...args) => {
      if (++reads === 2) throw new StoreUnavailableError('connection lost'); // the read after the append
      return readStream(...args);
    });
    await expect(handle(store, stream, tally, { amount: 4, ceiling: 10 })).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    expect((await readStream(stream)).map((e) => e.data)).toEqual([counted(2).data, counted(4).data]); // it was recorded
  });

  it('appends nothing for a command that changes nothing (an idempotent repeat)', async () => {
    await store.appendToStream(stream, [counted(2)]);
    const result = await handle(store, stream, tally, { amount: 0, ceiling: 10 });
    expect(result).toEqual({ state: { total: 2, seen: 1 }, events: [] });
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('writes nothing when the decider refuses, and hands the refusal on', async () => {
    await store.appendToStream(stream, [counted(8)]);
    await expect(handle(store, stream, tally, { amount: 3, ceiling: 10 })).rejects.toMatchObject({ code: 'OVER_CEILING', status: 409 });
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('decides again on the new state when another writer changed the stream in between', async () => {
    await store.appendToStream(stream, [counted(5)]);
    const racing = raceOnce(store, stream, counted(4));
    // Decided on a total of 5, the first try conflicts; decided again on 9, the ceiling refuses it.
    await expect(handle(racing, stream, tally, { amount: 3, ceiling: 10 })).rejects.toMatchObject({ code: 'OVER_CEILING' });
    expect((await store.readStream(stream)).map((e) => e.data.amount)).toEqual([5, 4]);
  });

  it('appends after a concurrent change once the decision still holds on the new state', async () => {
    await store.appendToStream(stream, [counted(1)]);
    const result = await handle(raceOnce(store, stream, counted(2)), stream, tally, { amount: 3, ceiling: 10 });
    expect(result.state).toEqual({ total: 6, seen: 3 });
    expect((await store.readStream(stream)).map((e) => [e.revision, e.data.amount])).toEqual([
      [0n, 1],
      [1n, 2],
      [2n, 3],
    ]);
  });

  it('runs the step before the append after the decision: refused commands never reach it, and a refusal there writes nothing', async () => {
    await store.appendToStream(stream, [counted(8)]);
    const seen: number[] = [];
    const step = async (state: Tally) => {
      seen.push(state.total);
    };
    await expect(handle(store, stream, tally, { amount: 3, ceiling: 10 }, { beforeAppend: step })).rejects.toMatchObject({ code: 'OVER_CEILING' });
    expect(seen).toEqual([]);
    const refusing = async () => {
      throw new Refusal(409, 'USER_ID_TAKEN', 'This user id is in use.');
    };
    await expect(handle(store, stream, tally, { amount: 1, ceiling: 10 }, { beforeAppend: refusing })).rejects.toMatchObject({ code: 'USER_ID_TAKEN' });
    expect(await store.readStream(stream)).toHaveLength(1);
    await handle(store, stream, tally, { amount: 1, ceiling: 10 }, { beforeAppend: step });
    expect(seen).toEqual([8]);
  });

  it('runs the step before the append again, on the new state, when another writer changed the stream in between', async () => {
    await store.appendToStream(stream, [counted(1)]);
    const seen: number[] = [];
    await handle(
      raceOnce(store, stream, counted(2)),
      stream,
      tally,
      { amount: 3, ceiling: 10 },
      { beforeAppend: async (state) => void seen.push(state.total) },
    );
    expect(seen).toEqual([1, 3]);
  });

  it('gives up with WrongExpectedRevisionError after the attempts it was given', async () => {
    const alwaysRacing = raceEveryTime(store, stream, counted(1));
    await expect(handle(alwaysRacing.store, stream, tally, { amount: 7, ceiling: 1000 }, { attempts: 3 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(alwaysRacing.races()).toBe(3);
    expect((await store.readStream(stream)).map((e) => e.data.amount)).toEqual([1, 1, 1]);
  });
});

describe('Loading the state of a stream', () => {
  const store = new GuardedEventStore(new InMemoryEventStoreAdapter(), schemas);

  it('folds a stream that does not exist to the initial state, at revision "no stream"', async () => {
    expect(await loadState(store, `tally-${randomUUID()}`, tally)).toEqual({ state: tally.initialState, revision: 'no_stream', events: [] });
  });

  it('with a tail, folds only the newest events, oldest first, and still reports the last revision', async () => {
    const stream = `tally-${randomUUID()}`;
    await store.appendToStream(stream, [1, 2, 3, 4, 5, 6].map(counted));
    const loaded = await loadState(store, stream, tally, { tail: 2 });
    expect(loaded.events.map((e) => e.data.amount)).toEqual([5, 6]);
    expect(loaded).toMatchObject({ state: { total: 11, seen: 2 }, revision: 5n });
  });

  it('handles a command with a tail against the newest events only, at the revision of the whole stream', async () => {
    const stream = `tally-${randomUUID()}`;
    await store.appendToStream(stream, [100, 100, 1].map(counted));
    const result = await handle(store, stream, tally, { amount: 2, ceiling: 10 }, { tail: 1 });
    expect(result.state).toEqual({ total: 3, seen: 2 });
    expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
  });
});

/** The store, except that another writer appends `event` just before the first append through it. */
function raceOnce(store: EventStore, stream: string, event: NewEvent): EventStore {
  let raced = false;
  return withAppend(store, async (streamId, events, options) => {
    if (!raced) {
      raced = true;
      await store.appendToStream(stream, [event]);
    }
    return store.appendToStream(streamId, events, options);
  });
}

/** The store, except that another writer always appends first: every append through it conflicts. */
function raceEveryTime(store: EventStore, stream: string, event: NewEvent) {
  let races = 0;
  const racing = withAppend(store, async (streamId, events, options) => {
    races++;
    await store.appendToStream(stream, [event]);
    return store.appendToStream(streamId, events, options);
  });
  return { store: racing, races: () => races };
}

function withAppend(store: EventStore, appendToStream: EventStore['appendToStream']): EventStore {
  return new Proxy(store, { get: (target, property) => (property === 'appendToStream' ? appendToStream : Reflect.get(target, property, target)) });
}
