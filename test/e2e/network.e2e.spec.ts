import { randomUUID } from 'node:crypto';
import { START } from '../../src/infrastructure/event-store/event-store.port';
import { startApp, type TestApp } from '../support/app';

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
});

/** The closed network (Pasal 3(1)(b)): this test's own address (loopback) is outside the allowed ranges. */
describe('A request from outside the closed network', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ALLOWED_NETWORKS: '10.20.0.0/16,fd00:1::/64' });
  });
  afterAll(async () => t?.close());

  it('is refused with 403 NETWORK_NOT_ALLOWED before authentication, on API routes, unknown paths and the docs', async () => {
    for (const [method, path] of [
      ['post', '/v1/auth/login'],
      ['get', '/v1/agreements'],
      ['get', '/v1/nothing/here'],
      ['get', '/docs-json'],
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

  it('records the refusal even when the path cannot be decoded, under the route it would reach', async () => {
    // "%E0%A4%A" is no UTF-8: naming the route used to throw, and the refusal went unrecorded.
    const requestId = randomUUID();
    await t.http().get('/v1/agreements/%E0%A4%A').set('x-request-id', requestId).expect(403);
    const rows: { type: string; route: string }[] = await t.infra.dataSource.query(`SELECT type, data->>'route' AS route FROM es_events WHERE correlation_id = $1`, [requestId]);
    expect(rows).toEqual([{ type: 'AccessDenied', route: 'GET /v1/agreements/:id' }]);
  });

  it('still lets the load balancer see /health', async () => {
    await t.http().get('/health').expect(200);
  });

  it('is recorded as AccessDenied with the route shape and without the caller\'s address', async () => {
    await t.http().get('/v1/operators/3313011209900001/profile').expect(403);
    await t.http().delete('/v1/operators/3313011209900001/profile').expect(403);
    await t.http().get('/v1/people/siti-rahayu').expect(403);
    const denials = (await t.infra.eventStore.readAll({ after: START, maxCount: 100_000 })).filter(
      (e) => e.type === 'AccessDenied' && e.data.reason === 'NETWORK_NOT_ALLOWED',
    );
    // Only routes the application defines are named; any other path is "/_unmatched".
    expect(denials.map((e) => e.data.route)).toEqual(expect.arrayContaining(['POST /v1/auth/login', 'DELETE /v1/operators/:id/profile', 'GET /_unmatched']));
    const text = JSON.stringify(denials.map((e) => e.data));
    expect(text).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
    expect(text).not.toContain('3313011209900001');
    expect(text).not.toContain('siti');
  });
});
