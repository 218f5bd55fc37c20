import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/modules/access/operators/operator.events';
import { DINKES_FACILITY_ID, seededFacilities } from '../../src/modules/access/seed/seed';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { AUDITOR_USER_ID } from '../support/parties';
import { servedRoutes } from '../../src/composition/http-app';

type Who = Role | 'ANONYMOUS';
const ROLES: Role[] = ['PUSKESMAS_OPERATOR', 'DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'];
const ADMIN: Who[] = ['DINKES_ADMIN'];
const ADMIN_AUDITOR: Who[] = ['DINKES_ADMIN', 'DUKCAPIL_AUDITOR'];
const ANYONE: Who[] = ['ANONYMOUS', ...ROLES];
const SIGNED_IN: Who[] = ROLES;

/**
 * Who may call what: the expected answer for every route. The routes come from the Nest router itself,
 * so a route added without an entry here fails this suite (and one without an access rule is refused).
 */
const EXPECTED: Record<string, Who[]> = {
  'GET /health': ANYONE,
  'POST /v1/auth/login': ANYONE,
  'POST /v1/auth/logout': SIGNED_IN,
  'GET /v1/agreements': ADMIN_AUDITOR,
  'GET /v1/agreements/:id': ADMIN_AUDITOR,
  // Either party proposes; the other confirms (or refuses).
  'POST /v1/agreements': ADMIN_AUDITOR,
  'POST /v1/agreements/:id/extensions': ADMIN_AUDITOR,
  'POST /v1/agreements/:id/termination': ADMIN_AUDITOR,
  'POST /v1/agreements/:id/changes/:changeId/confirmation': ADMIN_AUDITOR,
  'POST /v1/agreements/:id/changes/:changeId/rejection': ADMIN_AUDITOR,
  'GET /v1/facilities': ADMIN_AUDITOR,
  'POST /v1/facilities': ADMIN,
  'GET /v1/card-readers': ADMIN_AUDITOR,
  'POST /v1/facilities/:facilityId/card-readers': ADMIN,
  'POST /v1/card-readers/:id/retirement': ADMIN,
  // Each party administers its own accounts (which ones: parties.e2e).
  'GET /v1/operators': ADMIN_AUDITOR,
  'POST /v1/operators': ADMIN_AUDITOR,
  'POST /v1/operators/:id/suspension': ADMIN_AUDITOR,
  'POST /v1/operators/:id/reinstatement': ADMIN_AUDITOR,
  'POST /v1/operators/:id/revocation': ADMIN_AUDITOR,
  'POST /v1/operators/:id/password': SIGNED_IN,
  'POST /v1/operators/:id/unlock': ADMIN_AUDITOR,
  'DELETE /v1/operators/:id/profile': ADMIN_AUDITOR,
  'POST /v1/access/nik-lookups': ['PUSKESMAS_OPERATOR'],
  'POST /v1/access/card-reads': ['PUSKESMAS_OPERATOR'],
  'POST /v1/balikan': ['PUSKESMAS_OPERATOR'],
  'GET /v1/balikan/:id': ['PUSKESMAS_OPERATOR', 'DINKES_ADMIN'],
  'GET /v1/reports/semester/:year/:semester': ADMIN_AUDITOR,
  'POST /v1/reports/semester/:year/:semester/submission': ADMIN,
  'GET /v1/reports/semester/:year/:semester/submission': ADMIN_AUDITOR,
  'GET /v1/reports/bupati/:year/:semester': ['BUPATI_OFFICE', 'DUKCAPIL_AUDITOR', 'DINKES_ADMIN'],
  // Disdukcapil sends the summary to the Bupati: it alone enters the letter's number.
  'POST /v1/reports/bupati/:year/:semester/letter': ['DUKCAPIL_AUDITOR'],
  // Each party's administrator records its own signatory (which one: the party of the caller; signatories.e2e).
  'GET /v1/signatories': ['DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'],
  'POST /v1/signatories': ADMIN_AUDITOR,
  'GET /v1/compliance/obligations': ADMIN_AUDITOR,
  'GET /v1/compliance/balikan-backlog': ADMIN_AUDITOR,
  'GET /v1/compliance/refusals': ADMIN_AUDITOR,
  'GET /v1/compliance/operator-activity': ADMIN_AUDITOR,
  'GET /v1/compliance/card-readers': ADMIN_AUDITOR,
  'GET /v1/compliance/reports': ADMIN_AUDITOR,
  'POST /v1/evaluations': ['DUKCAPIL_AUDITOR'],
  'GET /v1/evaluations': ['DUKCAPIL_AUDITOR', 'DINKES_ADMIN', 'BUPATI_OFFICE'],
  'GET /v1/audit/checkpoints': ADMIN_AUDITOR,
  'GET /v1/audit/proofs/:eventId': ADMIN_AUDITOR,
  'GET /v1/audit/entries/:id': ADMIN_AUDITOR,
  // Disdukcapil supervises: it alone asks for a checkpoint out of turn.
  'POST /v1/audit/checkpoints': ['DUKCAPIL_AUDITOR'],
  'GET /v1/audit/consistency': ADMIN_AUDITOR,
  'GET /v1/audit/public-key': ADMIN_AUDITOR,
  'GET /metrics': ADMIN_AUDITOR,
};

/** Every METHOD + path the application serves. */
function routesOf(t: TestApp): string[] {
  // The API documentation (swagger-ui's own files) and the console's page and files are public inside the
  // closed network (the console is a client of these routes); network.e2e covers both.
  return servedRoutes(t.app).filter((route) => !/^[A-Z]+ (\/docs|\/$|\/index\.html$|\/assets\/)/.test(route));
}

describe('Who may call what, for every route of the application', () => {
  let t: TestApp;
  const tokens = new Map<Who, string | undefined>();
  const userIds = new Map<Who, [string, string]>([['DINKES_ADMIN', ['admin', ADMIN_PASSWORD]]]);

  beforeAll(async () => {
    t = await startApp();
    const admin = await t.login('admin', ADMIN_PASSWORD);
    tokens.set('ANONYMOUS', undefined);
    tokens.set('DINKES_ADMIN', admin);
    const auditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    const puskesmas = seededFacilities().find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    for (const role of ['PUSKESMAS_OPERATOR', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'] as Role[]) {
      const userId = uniqueUserId(role.toLowerCase().replace(/_/g, '-'));
      const facilityId = role === 'PUSKESMAS_OPERATOR' ? puskesmas : undefined;
      const by = role === 'PUSKESMAS_OPERATOR' ? admin : auditor; // each party enrols its own
      const res = await t.http().post('/v1/operators').set('authorization', `Bearer ${by}`).send({ userId, password: 'matrix-password-1', role, facilityId });
      expect(res.status).toBe(201);
      tokens.set(role, await t.login(userId, 'matrix-password-1'));
      userIds.set(role, [userId, 'matrix-password-1']);
    }
    expect(DINKES_FACILITY_ID).toBeDefined();
  });
  afterAll(async () => t?.close());

  it('has an expected answer for every route the router serves, and no expectation for a route that is gone', () => {
    const routes = routesOf(t);
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    expect(routes.filter((r) => !(r in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const missing = routesOf(t).filter((route) => {
      const [method, template] = route.split(' ') as [string, string];
      return !doc.paths[template.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
  });

  it('lets each role through exactly where the matrix says, and refuses it everywhere else', async () => {
    const mismatches: string[] = [];
    for (const route of routesOf(t)) {
      const [method, template] = route.split(' ') as [string, string];
      // Unknown ids and empty bodies: an allowed caller gets past the guard and meets 400/404, never a write.
      const path = template.replace(/:[A-Za-z]+/g, () => randomUUID());
      for (const [who, kept] of tokens) {
        // Signing out ends the token: sign out a session of its own.
        const token = route === 'POST /v1/auth/logout' && kept ? await t.login(...userIds.get(who)!) : kept;
        let req = t.http()[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
        if (token) req = req.set('authorization', `Bearer ${token}`);
        const res = await (method === 'GET' || method === 'DELETE' ? req : req.send({}));
        const allowed = EXPECTED[route]!.includes(who);
        const refused =
          who === 'ANONYMOUS' ? res.status === 401 && res.body.code === 'UNAUTHENTICATED' : res.status === 403 && res.body.code === 'ROLE_NOT_ALLOWED';
        const passedTheGuard = res.status !== 401 && res.status !== 403;
        if ((allowed ? !passedTheGuard : !refused) || res.status >= 500) mismatches.push(`${who} ${route}: ${res.status} ${res.body.code ?? ''}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
