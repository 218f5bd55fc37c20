import type { EventStoreAdapter, NewEvent, ReadAllOptions } from '../../src/infrastructure/event-store/event-store.port';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import { InMemoryEventStoreAdapter } from '../../src/infrastructure/event-store/in-memory/in-memory-event-store.adapter';
import { testEventSchemas } from '../support/test-event-schemas';

/**
 * How often a caught-up subscription (each projection of the service has one) reads the log. Time is the
 * test's own (fake timers): what happens before an interval has passed is checked without waiting for it.
 */
const schemas = testEventSchemas();
const counted = (amount: number): NewEvent => ({ type: 'FixtureCounted', data: { key: 'a', amount } });
const SECOND = 1000;
const HOUR = 3600 * SECOND;

/** The in-memory store, counting the reads of the whole log; `hearsAppends: false` is a process that is told of no append. */
function countingStore({ hearsAppends = true } = {}) {
  const adapter = new InMemoryEventStoreAdapter();
  const reads = { count: 0 };
  const counting: EventStoreAdapter = Object.assign(Object.create(adapter) as EventStoreAdapter, {
    readAll: (options: ReadAllOptions) => {
      reads.count++;
      return adapter.readAll(options);
    },
    onAppended: (listener: () => void) => (hearsAppends ? adapter.onAppended(listener) : () => undefined),
  });
  return { store: new GuardedEventStore(counting, schemas), reads, appendElsewhere: new GuardedEventStore(adapter, schemas) };
}

async function appendOneByOne(store: GuardedEventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await store.appendToStream(`fixture-burst${i % 7}`, [counted(i)]);
}

/** Lets due timers and the append signal (delivered on the next turn of the event loop) run. */
const elapse = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe('A caught-up subscription under a burst of appends', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('reads the first append after a quiet spell at once, then takes 200 appends in one read, not 200', async () => {
    const { store, reads } = countingStore();
    const controller = new AbortController();
    const batches = store.subscribeToAll({ minReadIntervalMs: 10 * SECOND, pollIntervalMs: HOUR, signal: controller.signal })[Symbol.asyncIterator]();
    expect((await batches.next()).value).toMatchObject({ events: [], caughtUp: true });
    expect(reads.count).toBe(1);

    await elapse(60 * SECOND); // a quiet minute
    const first = batches.next();
    await appendOneByOne(store, 1);
    await elapse(0);
    expect((await first).value!.events).toHaveLength(1); // no interval waited for: read as soon as told
    expect(reads.count).toBe(2);

    const burst = batches.next();
    await appendOneByOne(store, 200);
    await elapse(10 * SECOND - 1);
    expect(reads.count).toBe(2); // 200 appends signalled, none read yet: the interval since the last read has not passed
    await elapse(1);
    const batch = (await burst).value!;
    expect(batch.events).toHaveLength(200);
    expect(batch.caughtUp).toBe(true);
    expect(reads.count).toBe(3);

    const afterBurst = batches.next();
    await appendOneByOne(store, 50);
    await elapse(5 * SECOND);
    expect(reads.count).toBe(3);
    controller.abort(); // ends the wait at once: no timer needs to run
    expect(await afterBurst).toEqual({ done: true, value: undefined });
    expect(reads.count).toBe(3);
  });

  it('reads full batches one after another without waiting, so catching up is as fast as before', async () => {
    const { store, reads } = countingStore();
    const batches = store.subscribeToAll({ batchSize: 50, minReadIntervalMs: 10 * SECOND, pollIntervalMs: HOUR })[Symbol.asyncIterator]();
    await batches.next(); // caught up with the empty log
    await elapse(10 * SECOND);
    const burst = batches.next();
    await appendOneByOne(store, 120);
    await elapse(0);
    const sizes = [(await burst).value!.events.length];
    for (let i = 0; i < 2; i++) sizes.push((await batches.next()).value!.events.length); // no time passes
    expect(sizes).toEqual([50, 50, 20]);
    expect(reads.count).toBe(4);
    await batches.return(undefined);
  });

  it('finds the appends of another process, of which it is not told, at the next poll', async () => {
    const { store, reads, appendElsewhere } = countingStore({ hearsAppends: false });
    const batches = store.subscribeToAll({ minReadIntervalMs: 100, pollIntervalMs: 5 * SECOND })[Symbol.asyncIterator]();
    await batches.next();
    const next = batches.next();
    await appendOneByOne(appendElsewhere, 3);
    await elapse(5 * SECOND - 1);
    expect(reads.count).toBe(1);
    await elapse(1);
    expect((await next).value!.events).toHaveLength(3);
    expect(reads.count).toBe(2);
    await batches.return(undefined);
  });

  it('does not miss an append made while its consumer was still busy with the previous batch', async () => {
    const { store } = countingStore();
    const batches = store.subscribeToAll({ minReadIntervalMs: 0, pollIntervalMs: HOUR })[Symbol.asyncIterator]();
    await batches.next();
    const first = batches.next();
    await appendOneByOne(store, 1);
    await elapse(0);
    await first;
    await appendOneByOne(store, 2); // while the consumer "works": nobody is waiting on the subscription
    await elapse(0);
    const next = batches.next();
    await elapse(0); // an hour's poll interval: only the remembered append can make it read
    expect((await next).value!.events).toHaveLength(2);
    await batches.return(undefined);
  });
});
