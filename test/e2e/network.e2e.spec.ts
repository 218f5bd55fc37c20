import { START } from '../../src/infrastructure/event-store/event-store.port';
import { startApp, type TestApp } from '../support/app';

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

  it('still lets the load balancer see /health', async () => {
    await t.http().get('/health').expect(200);
  });

  it('is recorded as AccessDenied with the route shape and without the caller\'s address', async () => {
    await t.http().get('/v1/operators/3313011209900001/profile').expect(403);
    const denials = (await t.infra.eventStore.readAll({ after: START, maxCount: 100_000 })).filter(
      (e) => e.type === 'AccessDenied' && e.data.reason === 'NETWORK_NOT_ALLOWED',
    );
    expect(denials.map((e) => e.data.route)).toEqual(expect.arrayContaining(['POST /v1/auth/login', 'GET /v1/operators/:id/profile']));
    const text = JSON.stringify(denials.map((e) => e.data));
    expect(text).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
    expect(text).not.toContain('3313011209900001');
  });
});
