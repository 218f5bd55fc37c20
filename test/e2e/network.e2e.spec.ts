import { randomUUID } from 'node:crypto';
import { wibDay } from '../../src/infrastructure/time/wib';
import { START } from '../../src/infrastructure/event-store/event-store.port';
import { loadConfig } from '../../src/infrastructure/config/config';
import { NetworkCheck } from '../../src/modules/access/network/network-check';
import { startApp, type TestApp } from '../support/app';
import { until } from '../support/until';

describe('A request through a configured proxy', () => {
  it('is judged by the address the proxy forwards, and only then', async () => {
    const t = await startApp({ ALLOWED_NETWORKS: '10.20.0.0/16', TRUST_PROXY: 'loopback' });
    try {
      const inside = await t.http().get('/v1/agreements').set('x-forwarded-for', '10.20.0.5');
      expect(inside.body.code).toBe('UNAUTHENTICATED'); // past the network check, on to authentication
      const outside = await t.http().get('/v1/agreements').set('x-forwarded-for', '192.0.2.7');
      expect(outside.body.code).toBe('NETWORK_NOT_ALLOWED');
    } finally {
      await t.close();
    }
  });

  it('a client that is not the named proxy cannot claim an address inside the network with X-Forwarded-For', async () => {
    // The proxy is 192.0.2.10; this test connects directly from loopback, as a client on the host would.
    const t = await startApp({ ALLOWED_NETWORKS: '10.20.0.0/16', TRUST_PROXY: '192.0.2.10' });
    try {
      const forged = await t.http().get('/v1/agreements').set('x-forwarded-for', '10.20.0.5');
      expect(forged.body.code).toBe('NETWORK_NOT_ALLOWED');
    } finally {
      await t.close();
    }
  });

  it.each(['1', '2', 'true', 'uniquelocal', 'loopback, 3'])('TRUST_PROXY=%s is refused: no hop count, nothing that trusts whoever connects', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^TRUST_PROXY: /);
  });
});

/** The closed network (Pasal 3(1)(b)): this test's own address (loopback) is outside the allowed ranges. */
describe('A request from outside the closed network', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ALLOWED_NETWORKS: '10.20.0.0/16,fd00:1::/64' });
  });
  afterAll(async () => t?.close());

  it('is refused with 403 NETWORK_NOT_ALLOWED before authentication, on API routes, unknown paths, the docs and the console', async () => {
    for (const [method, path] of [
      ['post', '/v1/auth/login'],
      ['get', '/v1/agreements'],
      ['get', '/v1/nothing/here'],
      ['get', '/docs-json'],
      ['get', '/'],
      ['get', '/assets/index.js'],
    ] as const) {
      const res = await t.http()[method](path).send({ userId: 'admin', password: 'x' });
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'NETWORK_NOT_ALLOWED' });
    }
  });

  it('ignores X-Forwarded-For when no proxy is configured, and refuses before reading the body', async () => {
    const forged = await t.http().get('/v1/agreements').set('x-forwarded-for', '10.20.0.5');
    expect(forged.body.code).toBe('NETWORK_NOT_ALLOWED');
    const malformed = await t.http().post('/v1/auth/login').set('content-type', 'application/json').send('{"broken":');
    expect(malformed.body.code).toBe('NETWORK_NOT_ALLOWED');
  });

  /** The NetworkRefusalsCounted events written since `seen` was taken, after the tally is flushed. */
  const tallied = async (seen: Set<string>) => {
    await t.app.get(NetworkCheck).flushRefusals();
    return (await t.infra.eventStore.readAll({ after: START, maxCount: 1_000_000 })).filter((e) => e.type === 'NetworkRefusalsCounted' && !seen.has(e.eventId));
  };
  const seenNow = async () => {
    await t.app.get(NetworkCheck).flushRefusals(); // earlier tests' refusals are not this test's
    return new Set(
      (await t.infra.eventStore.readAll({ after: START, maxCount: 1_000_000 })).filter((e) => e.type === 'NetworkRefusalsCounted').map((e) => e.eventId),
    );
  };

  it('counts the refusal even when the path cannot be decoded, under the route it would reach', async () => {
    // "%E0%A4%A" is no UTF-8: naming the route used to throw, and the refusal went unrecorded.
    const seen = await seenNow();
    await t.http().get('/v1/agreements/%E0%A4%A').expect(403);
    const routes = (await tallied(seen)).flatMap((e) => e.data.routes as { route: string; count: number }[]);
    expect(routes).toEqual([{ route: 'GET /v1/agreements/:id', count: 1 }]);
  });

  it('still lets the load balancer see /health', async () => {
    await t.http().get('/health').expect(200);
  });

  it("is counted with the route shapes and the source network, never the caller's address", async () => {
    const seen = await seenNow();
    await t.http().get('/v1/operators/3313011209900001/profile').expect(403);
    await t.http().delete('/v1/operators/3313011209900001/profile').expect(403);
    await t.http().get('/v1/people/siti-rahayu').expect(403);
    await t.http().post('/v1/auth/login').send({ userId: 'admin', password: 'x' }).expect(403);
    const events = await tallied(seen);
    // Only routes the application defines are named; any other path is "/_unmatched".
    expect(events.flatMap((e) => (e.data.routes as { route: string }[]).map((r) => r.route))).toEqual(
      expect.arrayContaining(['POST /v1/auth/login', 'DELETE /v1/operators/:id/profile', 'GET /_unmatched']),
    );
    expect(events.map((e) => e.data.sourceNetwork)).toEqual(events.map(() => '127.0.0.0/24'));
    const text = JSON.stringify(events.map((e) => e.data));
    expect(text).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
    expect(text).not.toContain('3313011209900001');
    expect(text).not.toContain('siti');
  });

  it('a client outside cannot fill the store: 500 refusals are a handful of events whose counts add up to 500, and the refusal views count 500', async () => {
    const seen = await seenNow();
    const day = wibDay(new Date());
    const counted = async (): Promise<number> =>
      Number(
        (
          await t.infra.dataSource.query(
            `SELECT coalesce(sum(refusals), 0)::int AS n FROM report_refusals WHERE reason = 'NETWORK_NOT_ALLOWED' AND day BETWEEN $1::date AND $1::date + 1`,
            [day],
          )
        )[0].n,
      );
    const before = await counted();
    const requestIds = Array.from({ length: 500 }, () => randomUUID());
    const paths = ['/v1/agreements', '/v1/operators', '/v1/access/nik-lookups', '/v1/nothing/here', '/docs-json'];
    for (let i = 0; i < requestIds.length; i += 25) {
      await Promise.all(
        requestIds.slice(i, i + 25).map((id, j) =>
          t
            .http()
            .get(paths[(i + j) % paths.length]!)
            .set('x-request-id', id)
            .expect(403),
        ),
      );
    }
    const events = await tallied(seen);
    // One source network, one event per minute it spanned (the 500 may straddle a minute's end).
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.length).toBeLessThanOrEqual(3);
    expect(events.reduce((sum, e) => sum + (e.data.count as number), 0)).toBe(500);
    for (const e of events) expect((e.data.routes as { count: number }[]).reduce((sum, r) => sum + r.count, 0)).toBe(e.data.count);
    // Nothing was written per request.
    const perRequest: unknown[] = await t.infra.dataSource.query(`SELECT 1 FROM es_events WHERE correlation_id = ANY($1::uuid[])`, [requestIds]);
    expect(perRequest).toEqual([]);
    // The compliance and refusal views count each refused request (other suites may add their own).
    await until(async () => (await counted()) - before >= 500, { what: 'the reporting projection counting the 500 refusals' });
  });
});
