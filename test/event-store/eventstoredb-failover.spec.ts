import { EventStoreDBClient } from '@eventstore/db-client';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { HealthController } from '../../src/composition/operations/health.controller';
import { AppendOutcomeUnknownError, StoreUnavailableError } from '../../src/infrastructure/event-store/errors';
import { EVENT_STORE, type PreparedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { EventStoreDbEventStoreAdapter } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter';
import { FakeEventStoreDbNode } from '../support/fake-eventstoredb';
import { until } from '../support/until';

/**
 * Issue 18, points 1 and 8, at the client boundary: the real @eventstore/db-client 6.2.1 and the real adapter
 * talk gRPC to a fake node (test/support/fake-eventstoredb.ts). No EventStoreDB server runs here; what the
 * fake cannot show is said where it matters: a real cluster's election, and the crash of the shared
 * BatchAppend promise map itself (the fake refuses BatchAppend; the tests prove it is never called).
 */

function event(type = 'FixtureRecorded'): PreparedEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    occurredAt: new Date('2026-03-01T02:00:00Z'),
    correlationId: null,
    causationId: null,
    data: { note: 'no personal data' },
  };
}

function deferred(): { promise: Promise<void>; release(): void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/** Every client the adapter makes, with a record of which were disposed (and finished disposing). */
function watchClients() {
  const made: EventStoreDBClient[] = [];
  const disposed = new Set<EventStoreDBClient>();
  const original = EventStoreDBClient.connectionString.bind(EventStoreDBClient);
  const spy = jest.spyOn(EventStoreDBClient, 'connectionString').mockImplementation((...args: Parameters<typeof original>) => {
    const client = original(...args);
    const dispose = client.dispose;
    client.dispose = async () => {
      await dispose();
      disposed.add(client);
    };
    made.push(client);
    return client;
  });
  return { made, disposed, restore: () => spy.mockRestore() };
}

/** GET /health as the gateway answers it, over the adapter and a database that always answers. */
async function healthOf(adapter: EventStoreDbEventStoreAdapter): Promise<'ready' | 'NOT_READY'> {
  const module = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [
      { provide: EVENT_STORE, useValue: { ping: () => adapter.ping() } },
      { provide: DataSource, useValue: { query: async () => [{ '?column?': 1 }] } },
    ],
  }).compile();
  try {
    await module.get(HealthController).check();
    return 'ready';
  } catch (error) {
    if ((error as { code?: string }).code === 'NOT_READY') return 'NOT_READY';
    throw error;
  } finally {
    await module.close();
  }
}

describe('Appends to EventStoreDB never take the client’s BatchAppend, whose pending appends one failure rejects all together (point 8)', () => {
  let node: FakeEventStoreDbNode;
  let adapter: EventStoreDbEventStoreAdapter;

  beforeEach(async () => {
    // A node that offers BatchAppend, as every server since 21.10 does: client 6.2.1 would take it.
    node = await FakeEventStoreDbNode.start({ advertiseBatchAppend: true });
    adapter = new EventStoreDbEventStoreAdapter(node.connectionString);
  });

  afterEach(async () => {
    await adapter.close();
    await node.close();
  });

  it('writes every append through Streams.Append, even when the node offers BatchAppend', async () => {
    await adapter.append('agreement-1', [event()], 'no_stream');
    await adapter.append('agreement-2', [event(), event()], 'no_stream');
    await adapter.append('agreement-1', [event()], 0n);

    expect(node.callsOf('batchAppend')).toEqual([]);
    expect(node.callsOf('append').map((c) => [c.stream, c.outcome])).toEqual([
      ['agreement-1', 'ok'],
      ['agreement-2', 'ok'],
      ['agreement-1', 'ok'],
    ]);
    expect(node.log.events.map((e) => [e.stream, e.revision])).toEqual([
      ['agreement-1', 0n],
      ['agreement-2', 0n],
      ['agreement-2', 1n],
      ['agreement-1', 1n],
    ]);
  });

  it('keeps the client’s own append behaviour on that path: the connection string’s deadline, and a refused revision throws', async () => {
    const withDeadline = new EventStoreDbEventStoreAdapter(`${node.connectionString}&defaultDeadline=120000`);
    try {
      const sent = Date.now();
      await withDeadline.append('agreement-1', [event()], 'no_stream');
      const recorded = node.callsOf('append')[0]!.deadline;
      const deadline = recorded instanceof Date ? recorded.getTime() : recorded;
      // 120 s after the call was made, as the client's own append sets it (not the unbounded BatchAppend stream).
      expect(deadline).toBeGreaterThanOrEqual(sent + 110_000);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 121_000);
      await expect(withDeadline.append('agreement-1', [event()], 'no_stream')).rejects.toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: 0n });
    } finally {
      await withDeadline.close();
    }
  });

  it('keeps a concurrent append of another stream alive when one append fails: it is written and answered', async () => {
    const failFirst = deferred();
    const answerSecond = deferred();
    node.next('append', { fail: 'internal', holdUntil: failFirst.promise }).next('append', { holdUntil: answerSecond.promise });

    const failing = adapter.append('agreement-1', [event()], 'no_stream');
    const failed = failing.then(
      () => 'written',
      (error: unknown) => error,
    );
    await until(() => node.callsOf('append').length === 1, { what: 'the first append reaches the node' });
    const other = adapter.append('agreement-2', [event()], 'no_stream');
    await until(() => node.callsOf('append').length === 2, { what: 'the second append reaches the node' });

    failFirst.release();
    expect(await failed).toBeInstanceOf(AppendOutcomeUnknownError); // sent, not confirmed: it may be written
    answerSecond.release();
    await expect(other).resolves.toMatchObject({ nextExpectedRevision: 0n });
    expect(node.log.events.map((e) => e.stream)).toEqual(['agreement-2']);
    expect(node.callsOf('batchAppend')).toEqual([]);
  });
});

describe('A failed discovery leaves appends stuck until restart no more (point 1)', () => {
  let node: FakeEventStoreDbNode;
  let adapter: EventStoreDbEventStoreAdapter;
  let clients: ReturnType<typeof watchClients>;

  beforeEach(async () => {
    node = await FakeEventStoreDbNode.start({ advertiseBatchAppend: true });
    clients = watchClients();
  });

  afterEach(async () => {
    await adapter.close();
    clients.restore();
    await node.close();
  });

  it('answers the append during the outage StoreUnavailable, takes the next one after gossip recovers, and /health follows', async () => {
    // Two nodes in the multi-node form: the client asks them for the members (Gossip.Read) before any call.
    const follower = await FakeEventStoreDbNode.start({ role: 'follower', leader: node.endpoint, log: node.log });
    node.cluster = follower.cluster = [node, follower];
    adapter = new EventStoreDbEventStoreAdapter(FakeEventStoreDbNode.discoveryConnectionString([node, follower]));
    node.gossipFailure = follower.gossipFailure = 'unavailable';
    try {
      await expect(adapter.append('agreement-1', [event()], 'no_stream')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await healthOf(adapter)).toBe('NOT_READY');
      expect(node.log.events).toEqual([]);

      node.gossipFailure = follower.gossipFailure = undefined;
      expect(await healthOf(adapter)).toBe('ready');
      await expect(adapter.append('agreement-1', [event()], 'no_stream')).resolves.toMatchObject({ nextExpectedRevision: 0n });
      expect(node.log.events.map((e) => e.stream)).toEqual(['agreement-1']);
      // The failed append replaced the client: the next command started on a fresh one.
      expect(clients.made).toHaveLength(2);
      await until(() => clients.disposed.has(clients.made[0]!), { what: 'the replaced client is disposed' });
      expect(node.callsOf('batchAppend')).toEqual([]);
    } finally {
      await follower.close();
    }
  });

  it('is not ready while the node it reaches is a follower whose leader is gone: a follower’s read is no proof appends work', async () => {
    // A follower that names a leader nobody answers at (a closed port): no append can succeed.
    const gone = await FakeEventStoreDbNode.start();
    const goneLeader = gone.endpoint;
    await gone.close();
    node.role = 'follower';
    node.leader = goneLeader;
    node.seed('agreement-1', [{ type: 'FixtureRecorded', data: {} }]);
    adapter = new EventStoreDbEventStoreAdapter(node.connectionString);

    expect(await healthOf(adapter)).toBe('NOT_READY');
    expect(node.callsOf('read').every((c) => c.metadata['requires-leader'] === 'true')).toBe(true);

    // The node is elected leader: the client comes back to it, and the gateway is ready again.
    node.role = 'leader';
    await until(async () => (await healthOf(adapter)) === 'ready', { what: '/health ready once the node leads', timeoutMs: 30_000 });
  });

  it('survives a read failing while the client rediscovers and discovery fails: the reads answer, the process does not crash', async () => {
    // Client 6.2.1 runs its reconnection (handleError) unawaited; awaiting a discovery that fails, it used to
    // leave an unhandled rejection, which ends a Node process (and fails this test under jest).
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    const follower = await FakeEventStoreDbNode.start({ role: 'follower', leader: node.endpoint, log: node.log });
    try {
      node.cluster = follower.cluster = [node, follower];
      node.seed('agreement-1', [{ type: 'FixtureRecorded', data: {} }]);
      adapter = new EventStoreDbEventStoreAdapter(
        FakeEventStoreDbNode.discoveryConnectionString([node, follower], 'maxDiscoverAttempts=3&discoveryInterval=100'),
      );
      expect(await adapter.readStream('agreement-1')).toHaveLength(1);

      // Two reads in flight; the node drops them one after the other, and gossip fails in between.
      const first = deferred();
      const second = deferred();
      node.next('read', { fail: 'unavailable', holdUntil: first.promise }).next('read', { fail: 'unavailable', holdUntil: second.promise });
      const one = adapter.readStream('agreement-1').catch((error: unknown) => error);
      const two = adapter.readStream('agreement-1').catch((error: unknown) => error);
      await until(() => node.callsOf('read').length === 3, { what: 'both reads reach the node' });
      first.release();
      expect(await one).toBeInstanceOf(StoreUnavailableError);
      node.gossipFailure = follower.gossipFailure = 'unavailable';
      const three = adapter.readStream('agreement-1').catch((error: unknown) => error);
      second.release();
      expect(await two).toBeInstanceOf(StoreUnavailableError);
      expect(await three).toBeInstanceOf(Error);

      // Gossip back: the same adapter reads again.
      node.gossipFailure = follower.gossipFailure = undefined;
      await until(async () => (await adapter.readStream('agreement-1').catch(() => [])).length === 1, { what: 'reads work again' });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      await follower.close();
    }
  });

  it('cancels no call in flight when it replaces the client: neither the old client’s nor the new one’s', async () => {
    adapter = new EventStoreDbEventStoreAdapter(node.connectionString);
    node.seed('agreement-9', [{ type: 'FixtureRecorded', data: { note: 'seeded' } }]);
    const answerRead = deferred();
    const failAppend = deferred();
    const answerLater = deferred();
    node.next('read', { holdUntil: answerRead.promise });
    node.next('append', { fail: 'internal', holdUntil: failAppend.promise }).next('append', { holdUntil: answerLater.promise });

    // A read of another command, in flight on the first client.
    const read = adapter.readStream('agreement-9');
    await until(() => node.callsOf('read').length === 1, { what: 'the read reaches the node' });
    // An append fails with an error the client has no type for: the adapter replaces the client.
    const failing = adapter.append('agreement-1', [event()], 'no_stream').catch((error: unknown) => error);
    failAppend.release();
    expect(await failing).toBeInstanceOf(AppendOutcomeUnknownError); // sent, not confirmed: it may be written
    expect(clients.made).toHaveLength(2);
    // The next append runs on the new client while the old one still carries the read.
    const later = adapter.append('agreement-2', [event()], 'no_stream');
    await until(() => node.callsOf('append').length === 2, { what: 'the later append reaches the node' });
    expect(clients.disposed.size).toBe(0);

    answerRead.release();
    expect((await read).map((e) => e.data)).toEqual([{ note: 'seeded' }]);
    // Its last call settled: the old client is disposed now, with the new client's append still in flight.
    await until(() => clients.disposed.has(clients.made[0]!), { what: 'the old client is disposed' });
    answerLater.release();
    await expect(later).resolves.toMatchObject({ nextExpectedRevision: 0n });
    expect(node.callsOf('read')[0]!.cancelled).toBe(false);
    expect(node.callsOf('append')[1]!.cancelled).toBe(false);
  });

  it('keeps a read that spans several rounds on the client it started on: replacing the client twice meanwhile neither cuts it short nor gives a wrong end of the log', async () => {
    adapter = new EventStoreDbEventStoreAdapter(node.connectionString, { ownEvent: (e) => e.type === 'FixtureRecorded' });
    const [ours] = node.seed('agreement-1', [{ type: 'FixtureRecorded', data: { note: 'ours' } }]);
    // Another application's events after ours: the end of the log is found in rounds of 100, read backwards.
    node.seed(
      'other-1',
      Array.from({ length: 250 }, () => ({ type: 'ForeignRecorded', data: { note: 'theirs' } })),
    );
    const firstRound = deferred();
    const secondRound = deferred();
    node.next('read', { holdUntil: firstRound.promise }).next('read', { holdUntil: secondRound.promise });
    const head = adapter.headPosition();

    // While each round is held, an append fails with an error the client has no type for: the client is replaced.
    await until(() => node.callsOf('read').length === 1, { what: 'the first round reaches the node' });
    node.next('append', { fail: 'internal' });
    await expect(adapter.append('agreement-2', [event()], 'any')).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    firstRound.release();
    await until(() => node.callsOf('read').length === 2, { what: 'the second round reaches the node' });
    node.next('append', { fail: 'internal' });
    await expect(adapter.append('agreement-3', [event()], 'any')).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    secondRound.release();

    expect(clients.made.length).toBe(3);
    expect((await head).commit).toBe(ours!.position);
    expect(node.callsOf('read').every((call) => !call.cancelled)).toBe(true);
  });
});
