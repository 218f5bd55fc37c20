import { randomUUID } from 'node:crypto';
import type { ArgumentsHost } from '@nestjs/common';
import pino from 'pino';
import { AppendOutcomeUnknownError, AppendTooLargeError, StoreUnavailableError, WrongExpectedRevisionError } from '../../src/infrastructure/event-store/errors';
import { START, type PreparedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { EventStoreDbEventStoreAdapter, MAX_APPEND_BYTES } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter';
import { ErrorFilter } from '../../src/infrastructure/http/error.filter';
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

/** What the adapter's error is answered over HTTP (the error filter alone, as in test/reliability). */
async function answerTo(error: unknown, method = 'POST'): Promise<{ statusCode: number; code: string; message: string }> {
  let body: unknown;
  const reply = { sent: false, header: () => reply, status: () => reply, send: (b: unknown) => ((body = b), reply) };
  const request = { method, routeOptions: { url: '/v1/operators' }, id: 'r-1' };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
  await new ErrorFilter(pino({ level: 'silent' })).catch(error, host);
  return body as { statusCode: number; code: string; message: string };
}

/** Runs `work` with an adapter on `connectionString`, closing it after. */
async function withAdapter<T>(connectionString: string, work: (adapter: EventStoreDbEventStoreAdapter) => Promise<T>, readTimeoutMs?: number): Promise<T> {
  const adapter = new EventStoreDbEventStoreAdapter(connectionString, { readTimeoutMs });
  try {
    return await work(adapter);
  } finally {
    await adapter.close();
  }
}

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

describe('On a cluster, the adapter connected to a follower (issue 18, point 2)', () => {
  let leader: FakeEventStoreDbNode;
  let follower: FakeEventStoreDbNode;
  beforeAll(async () => {
    leader = await FakeEventStoreDbNode.start();
    // The follower holds a caught-up copy of the leader's log.
    follower = await FakeEventStoreDbNode.start({ role: 'follower', leader: leader.endpoint, log: leader.log });
  });
  afterAll(async () => {
    await follower?.close();
    await leader?.close();
  });

  it('lands an append on the leader the follower names, asking for the leader', async () => {
    const id = stream();
    await withAdapter(follower.connectionString, async (adapter) => {
      const result = await adapter.append(id, [prepared(1), prepared(2)], 'no_stream');
      expect(result.nextExpectedRevision).toBe(1n);
    });
    const refused = follower.callsOf('append').filter((c) => c.stream === id);
    const taken = leader.callsOf('append').filter((c) => c.stream === id);
    expect(refused.map((c) => [c.outcome, c.metadata['requires-leader']])).toEqual([['not-leader', 'true']]);
    expect(taken.map((c) => [c.outcome, c.metadata['requires-leader']])).toEqual([['ok', 'true']]);
    expect(leader.log.events.filter((e) => e.stream === id).map((e) => e.revision)).toEqual([0n, 1n]);
  });

  it("reads a command's stream on the leader: a follower's copy may lag, and a decision on it would conflict", async () => {
    const id = stream();
    leader.seed(id, [{ type: 'FixtureCounted', data: { key: 'a', amount: 7 }, metadata: { schemaVersion: 1 } }]);
    const events = await withAdapter(follower.connectionString, (adapter) => adapter.readStream(id));
    expect(events.map((e) => e.data.amount)).toEqual([7]);
    const onFollower = follower.callsOf('read').filter((c) => c.stream === id);
    const onLeader = leader.callsOf('read').filter((c) => c.stream === id);
    expect(onFollower.map((c) => [c.outcome, c.metadata['requires-leader']])).toEqual([['not-leader', 'true']]);
    expect(onLeader.map((c) => [c.outcome, c.metadata['requires-leader']])).toEqual([['ok', 'true']]);
  });

  it('lets projections read $all from the follower (no leader required)', async () => {
    const before = follower.callsOf('read').length;
    await withAdapter(follower.connectionString, (adapter) => adapter.readAll({ after: START, maxCount: 10 }));
    const reads = follower.callsOf('read').slice(before);
    expect(reads.map((c) => [c.stream, c.outcome, c.metadata['requires-leader']])).toEqual([['$all', 'ok', undefined]]);
  });

  it('gives up after a bounded number of not-leader answers (an election going round) and answers unavailable', async () => {
    const a = await FakeEventStoreDbNode.start({ role: 'follower' });
    const b = await FakeEventStoreDbNode.start({ role: 'follower', leader: a.endpoint });
    a.leader = b.endpoint;
    try {
      const id = stream();
      const refusal = await withAdapter(a.connectionString, (adapter) => adapter.append(id, [prepared(1)], 'any').catch((e: unknown) => e));
      expect(refusal).toBeInstanceOf(StoreUnavailableError);
      expect(await answerTo(refusal)).toMatchObject({ statusCode: 503, code: 'EVENT_STORE_UNAVAILABLE' });
      expect([...a.callsOf('append'), ...b.callsOf('append')].map((c) => c.outcome)).toEqual(['not-leader', 'not-leader', 'not-leader']);
      expect(a.log.events.length + b.log.events.length).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("The store's failures, as typed errors and answers a client can act on (issue 18, point 4)", () => {
  let node: FakeEventStoreDbNode;
  beforeAll(async () => {
    node = await FakeEventStoreDbNode.start();
  });
  afterAll(async () => node?.close());

  it('an append whose deadline passes unconfirmed is an outcome unknown: 503 EVENT_STORE_OUTCOME_UNKNOWN, check or repeat with the same key', async () => {
    node.next('append', { stall: true });
    // The append's deadline is the client's (defaultDeadline), short here: the node never answers anyway.
    const refusal = await withAdapter(`${node.connectionString}&defaultDeadline=500`, (adapter) =>
      adapter.append(stream(), [prepared(1)], 'any').catch((e: unknown) => e),
    );
    expect(refusal).toBeInstanceOf(AppendOutcomeUnknownError);
    const call = node.callsOf('append').at(-1)!;
    expect(call.deadline).toBeLessThan(Infinity);
    await until(() => call.cancelled, { what: 'the node sees the append end at its deadline' });
    expect(await answerTo(refusal)).toEqual({
      statusCode: 503,
      code: 'EVENT_STORE_OUTCOME_UNKNOWN',
      message: expect.stringMatching(/may have been recorded.*same Idempotency-Key/),
    });
    // A GET has no command to repeat: plain unavailability.
    expect(await answerTo(refusal, 'GET')).toMatchObject({ statusCode: 503, code: 'EVENT_STORE_UNAVAILABLE' });
  });

  it('an append the server cancels is an outcome unknown too; a read it cancels is unavailability', async () => {
    node.next('append', { fail: 'cancelled' }).next('read', { fail: 'cancelled' });
    await withAdapter(node.connectionString, async (adapter) => {
      await expect(adapter.append(stream(), [prepared(1)], 'any')).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
      await expect(adapter.readStream(stream())).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });

  it('an append whose commit times out on the server (ABORTED) is an outcome unknown: it may still commit', async () => {
    node.next('append', { fail: 'aborted' });
    const refusal = await withAdapter(node.connectionString, (adapter) => adapter.append(stream(), [prepared(1)], 'any').catch((e: unknown) => e));
    expect(refusal).toBeInstanceOf(AppendOutcomeUnknownError);
    expect(await answerTo(refusal)).toMatchObject({ statusCode: 503, code: 'EVENT_STORE_OUTCOME_UNKNOWN' });
  });

  it('a read the server fails without a type (no leader known during an election) is unavailability, not a 500', async () => {
    node.next('read', { fail: 'internal' }).next('read', { fail: 'aborted' });
    await withAdapter(node.connectionString, async (adapter) => {
      for (let i = 0; i < 2; i++) {
        const refusal = await adapter.readStream(stream()).catch((e: unknown) => e);
        expect(refusal).toBeInstanceOf(StoreUnavailableError);
        expect(await answerTo(refusal, 'GET')).toMatchObject({ statusCode: 503, code: 'EVENT_STORE_UNAVAILABLE' });
      }
    });
  });

  it('refuses, before sending, an append whose events encode to more than 1 MiB, rather than splitting it (an append is atomic)', async () => {
    // Two events of 600 KB: each alone would pass, together they do not.
    const big = (n: number): PreparedEvent => ({ ...prepared(n), data: { key: 'x'.repeat(600 * 1024), amount: n } });
    const id = stream();
    const before = node.callsOf('append').length;
    const refusal = await withAdapter(node.connectionString, (adapter) => adapter.append(id, [big(1), big(2)], 'any').catch((e: unknown) => e));
    expect(refusal).toBeInstanceOf(AppendTooLargeError);
    expect(refusal).toMatchObject({ code: 'EVENT_APPEND_TOO_LARGE', limit: MAX_APPEND_BYTES });
    expect((refusal as AppendTooLargeError).bytes).toBeGreaterThan(MAX_APPEND_BYTES);
    expect(node.callsOf('append').length).toBe(before); // nothing sent
    expect(await answerTo(refusal)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    // One of them alone is taken.
    await withAdapter(node.connectionString, (adapter) => adapter.append(id, [big(1)], 'no_stream'));
  });

  it("maps the server's own maximum-append-size refusal (a server set below 1 MiB) to the same typed error, naming its limit", async () => {
    const small = await FakeEventStoreDbNode.start({ maxAppendSize: 4096 });
    try {
      const id = stream();
      const events = [1, 2, 3].map((n) => ({ ...prepared(n), data: { key: 'y'.repeat(2000), amount: n } }));
      const refusal = await withAdapter(small.connectionString, (adapter) => adapter.append(id, events, 'any').catch((e: unknown) => e));
      expect(refusal).toBeInstanceOf(AppendTooLargeError);
      expect(refusal).toMatchObject({ limit: 4096, bytes: undefined });
      expect(small.log.events.filter((e) => e.stream === id)).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('a cluster that cannot be discovered is unavailability (503), not a 500', async () => {
    // Two seeds, both closed ports: discovery by gossip fails after its one attempt.
    const refusal = await withAdapter('esdb://127.0.0.1:1,127.0.0.1:2?tls=false&maxDiscoverAttempts=1&discoveryInterval=10', (adapter) =>
      adapter.readStream(stream()).catch((e: unknown) => e),
    );
    expect(refusal).toBeInstanceOf(StoreUnavailableError);
    expect((refusal as Error).message).toMatch(/Failed to discover/);
    expect(await answerTo(refusal, 'GET')).toMatchObject({ statusCode: 503, code: 'EVENT_STORE_UNAVAILABLE' });
  });
});

describe('Reads of a stalled node (issue 18, point 5)', () => {
  let node: FakeEventStoreDbNode;
  beforeAll(async () => {
    node = await FakeEventStoreDbNode.start();
  });
  afterAll(async () => node?.close());
  // The node never answers: the adapter's read timeout (short here) is what ends the read.
  const READ_TIMEOUT_MS = 300;

  it("fails a command's stream read at the adapter's read timeout instead of hanging, and cancels the call", async () => {
    node.next('read', { stall: true });
    const refusal = await withAdapter(node.connectionString, (adapter) => adapter.readStream(stream()).catch((e: unknown) => e), READ_TIMEOUT_MS);
    expect(refusal).toBeInstanceOf(StoreUnavailableError);
    expect((refusal as Error).message).toMatch(/did not finish a read within 300 ms/);
    const call = node.callsOf('read').at(-1)!;
    // The client sends reads with no deadline at all: only the adapter's cancel ends them.
    expect(call.deadline).toBe(Infinity);
    await until(() => call.cancelled, { what: 'the node sees the stalled read cancelled' });
  });

  it('fails a read of $all that stalls part-way through its answer, and cancels it', async () => {
    await withAdapter(node.connectionString, (adapter) => adapter.append(stream(), [prepared(1)], 'any'));
    node.next('read', { keepOpen: true });
    const refusal = await withAdapter(
      node.connectionString,
      (adapter) => adapter.readAll({ after: START, maxCount: 1000 }).catch((e: unknown) => e),
      READ_TIMEOUT_MS,
    );
    expect(refusal).toBeInstanceOf(StoreUnavailableError);
    const call = node.callsOf('read').at(-1)!;
    await until(() => call.cancelled, { what: 'the node sees the stalled read cancelled' });
  });
});
