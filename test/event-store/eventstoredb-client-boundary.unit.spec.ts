import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../../src/infrastructure/event-store/errors';
import { START, type PreparedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { EventStoreDbEventStoreAdapter } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter';
import { FakeEventStoreDbNode } from '../support/fake-eventstoredb';
import { until } from '../support/until';

/**
 * The EventStoreDB adapter at the client boundary: the real adapter and the real `@eventstore/db-client`
 * talk gRPC over a socket to a fake node (test/support/fake-eventstoredb.ts). What a real server adds
 * (replication, elections, its own storage) is not shown here; the contract suite covers it when a server
 * is reachable (EVENTSTORE_CONNECTION_STRING).
 */
function prepared(amount: number, type = 'FixtureCounted'): PreparedEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data: { key: 'a', amount },
    occurredAt: new Date('2026-03-04T05:06:07.089Z'),
    correlationId: randomUUID(),
    causationId: null,
  };
}

const stream = (category = 'fixture') => `${category}-${randomUUID()}`;

describe('The EventStoreDB adapter, talking to one node through the real client', () => {
  let node: FakeEventStoreDbNode;
  let adapter: EventStoreDbEventStoreAdapter;
  beforeAll(async () => {
    node = await FakeEventStoreDbNode.start();
    adapter = new EventStoreDbEventStoreAdapter(node.connectionString);
    await adapter.initialise();
  });
  afterAll(async () => {
    await adapter?.close();
    await node?.close();
  });

  it('appends a new stream and reads it back with its envelope, in revision order', async () => {
    const id = stream();
    const events = [prepared(1), prepared(2)];
    const result = await adapter.append(id, events, 'no_stream');
    expect(result.nextExpectedRevision).toBe(1n);

    const read = await adapter.readStream(id);
    expect(read.map((e) => [e.revision, e.eventId, e.type, e.data])).toEqual([
      [0n, events[0]!.eventId, 'FixtureCounted', { key: 'a', amount: 1 }],
      [1n, events[1]!.eventId, 'FixtureCounted', { key: 'a', amount: 2 }],
    ]);
    expect(read[0]!.occurredAt.toISOString()).toBe('2026-03-04T05:06:07.089Z');
    expect(read[0]!.correlationId).toBe(events[0]!.correlationId);
    expect(read[1]!.globalPosition).toEqual(result.position);
  });

  it('reads a stream that does not exist as empty, and a stream backwards or from a revision with a limit', async () => {
    expect(await adapter.readStream(stream())).toEqual([]);
    const id = stream();
    await adapter.append(
      id,
      [1, 2, 3, 4, 5].map((n) => prepared(n)),
      'no_stream',
    );
    const amounts = (events: { data: Record<string, unknown> }[]) => events.map((e) => e.data.amount);
    expect(amounts(await adapter.readStream(id, { fromRevision: 2n, maxCount: 2 }))).toEqual([3, 4]);
    expect(amounts(await adapter.readStream(id, { backwards: true, maxCount: 2 }))).toEqual([5, 4]);
  });

  it('refuses an append at a revision the stream is not at, naming the revision it is at', async () => {
    const id = stream();
    await adapter.append(id, [prepared(1), prepared(2)], 'no_stream');
    const refusal = await adapter.append(id, [prepared(3)], 0n).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WrongExpectedRevisionError);
    expect(refusal).toMatchObject({ streamId: id, expected: 0n, actual: 1n });
    const again = await adapter.append(id, [prepared(3)], 'no_stream').catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: 1n });
    expect((await adapter.readStream(id)).length).toBe(2);
  });

  it('reads $all from the start and strictly after a position, in batches, leaving out system events', async () => {
    node.seed('$stats-127.0.0.1:2113', [{ type: '$statsCollected', data: {} }]);
    const id = stream();
    await adapter.append(
      id,
      [1, 2, 3, 4].map((n) => prepared(n)),
      'no_stream',
    );
    const fromStart = (await adapter.readAll({ after: START, maxCount: 10_000 })).filter((e) => e.streamId === id);
    expect(fromStart.map((e) => e.data.amount)).toEqual([1, 2, 3, 4]);
    expect((await adapter.readAll({ after: START, maxCount: 10_000 })).some((e) => e.streamId.startsWith('$'))).toBe(false);

    const after = await adapter.readAll({ after: fromStart[1]!.globalPosition, maxCount: 1 });
    expect(after.map((e) => [e.streamId, e.data.amount])).toEqual([[id, 3]]);
    const rest = await adapter.readAll({ after: after[0]!.globalPosition, maxCount: 10 });
    expect(rest.map((e) => e.data.amount)).toEqual([4]);
  });

  it('cancels a read of $all it leaves once the batch is full, so the node does not keep serving it', async () => {
    await adapter.append(
      stream(),
      [1, 2, 3].map((n) => prepared(n)),
      'no_stream',
    );
    // The node answers and then holds the call open: only a cancel from the client ends it.
    node.next('read', { keepOpen: true });
    const batch = await adapter.readAll({ after: START, maxCount: 2 });
    expect(batch).toHaveLength(2);
    const call = node.callsOf('read').at(-1)!;
    await until(() => call.cancelled, { what: 'the node sees the read cancelled' });
  });

  it("cancels the health ping's read once it has its one event", async () => {
    node.next('read', { keepOpen: true });
    await adapter.ping();
    const call = node.callsOf('read').at(-1)!;
    await until(() => call.cancelled, { what: 'the node sees the ping cancelled' });
  });
});

describe('Closing the EventStoreDB adapter', () => {
  it('returns after a health ping and a read left early (the client waits for every open read on dispose)', async () => {
    const node = await FakeEventStoreDbNode.start();
    try {
      const adapter = new EventStoreDbEventStoreAdapter(node.connectionString);
      await adapter.append(
        stream(),
        [1, 2, 3].map((n) => prepared(n)),
        'no_stream',
      );
      await adapter.initialise();
      await adapter.readAll({ after: START, maxCount: 1 });
      // Before: dispose() waited for the unread end of the ping's answer, for ever.
      await adapter.close();
    } finally {
      await node.close();
    }
  });
});
