import { START } from '../../src/infrastructure/event-store/event-store.port';
import { SEEDED_AGREEMENT_ID } from '../../src/modules/access/seed/seed';
import { agreementInForce } from '../../src/modules/access/agreements/agreement-in-force';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { thePuskesmasList } from '../support/fixtures';
import { until } from '../support/until';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';

/**
 * The two parties: each controls its own people and its own signature. Through HTTP, as a
 * Dinkes administrator and a Disdukcapil auditor would work.
 */
describe('Each party controls its own people and its own signature', () => {
  let t: TestApp;
  let admin: string;
  let auditor: string;
  let dinkesFacilityId: string;
  let puskesmasId: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(auth(token)).send(body);

  beforeAll(async () => {
    t = await startApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    auditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    await thePuskesmasList(callerOf(t), admin);
    const facilities = (await t.http().get('/v1/facilities').set(auth(admin))).body as { facilityId: string; kind: string }[];
    dinkesFacilityId = facilities.find((f) => f.kind === 'DINKES')!.facilityId;
    puskesmasId = facilities.find((f) => f.kind === 'PUSKESMAS')!.facilityId;
  });
  afterAll(async () => t?.close());

  async function enrol(by: string, role: string, password = 'first-password-12') {
    const userId = uniqueUserId(role.toLowerCase().slice(0, 6));
    const facilityId = role === 'PUSKESMAS_OPERATOR' ? puskesmasId : role === 'DINKES_ADMIN' ? dinkesFacilityId : undefined;
    const res = await post('/v1/operators', by, { userId, password, role, facilityId });
    expect(res.status).toBe(201);
    return { userId, operatorId: res.body.operatorId as string, password };
  }

  describe('accounts', () => {
    it('the seeded Disdukcapil auditor signs in with its own password', async () => {
      expect((await t.http().post('/v1/auth/login').send({ userId: 'auditor', password: AUDITOR_PASSWORD })).body.role).toBe('DUKCAPIL_AUDITOR');
    });

    it('a Dinkes administrator cannot enrol a Disdukcapil auditor or a Bupati-office account, and the refusal is recorded', async () => {
      for (const role of ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE']) {
        const res = await post('/v1/operators', admin, { userId: uniqueUserId('x'), password: 'auditor-password-1', role });
        expect({ role, status: res.status, code: res.body.code }).toEqual({ role, status: 403, code: 'OTHER_PARTYS_ACCOUNT' });
      }
      const denied = (await t.infra.eventStore.readAll({ after: START, maxCount: 1_000_000 })).filter(
        (e) => e.type === 'AccessDenied' && e.data.reason === 'OTHER_PARTYS_ACCOUNT',
      );
      expect(denied.length).toBeGreaterThanOrEqual(2);
    });

    it('a Dinkes administrator cannot set, reset, suspend, reinstate or revoke a Disdukcapil auditor, nor erase its profile', async () => {
      const target = await enrol(auditor, 'DUKCAPIL_AUDITOR');
      const password = await post(`/v1/operators/${target.operatorId}/password`, admin, { newPassword: 'taken-over-password-1' });
      expect([password.status, password.body.code]).toEqual([403, 'OTHER_PARTYS_ACCOUNT']);
      for (const step of ['suspension', 'reinstatement', 'revocation']) {
        const res = await post(`/v1/operators/${target.operatorId}/${step}`, admin);
        expect({ step, status: res.status, code: res.body.code }).toEqual({ step, status: 403, code: 'OTHER_PARTYS_ACCOUNT' });
      }
      expect((await t.http().delete(`/v1/operators/${target.operatorId}/profile`).set(auth(admin))).body.code).toBe('OTHER_PARTYS_ACCOUNT');
      // The auditor's own password still works: the overreach changed nothing.
      await t.login(target.userId, target.password);
      const events = await t.infra.eventStore.readStream(`operator-${target.operatorId}`);
      // Only its enrolment and the auditor's own first change: nothing by Dinkes.
      expect(events.map((e) => [e.type, e.data.actorId])).toEqual([
        ['OperatorEnrolled', expect.any(String)],
        ['OperatorPasswordChanged', target.operatorId],
      ]);
      const adminId = (await t.infra.dataSource.query(`SELECT operator_id FROM operator_accounts WHERE user_id = 'admin'`))[0].operator_id as string;
      expect(events[0]!.data.actorId).not.toBe(adminId);
    });

    it('a Disdukcapil auditor cannot enrol, reset or suspend a Dinkes administrator or a Puskesmas operator', async () => {
      const operator = await enrol(admin, 'PUSKESMAS_OPERATOR');
      const dinkesAdmin = await enrol(admin, 'DINKES_ADMIN');
      expect(
        (await post('/v1/operators', auditor, { userId: uniqueUserId('x'), password: 'admin-password-12', role: 'DINKES_ADMIN', facilityId: dinkesFacilityId }))
          .body.code,
      ).toBe('OTHER_PARTYS_ACCOUNT');
      for (const target of [operator, dinkesAdmin]) {
        expect((await post(`/v1/operators/${target.operatorId}/password`, auditor, { newPassword: 'taken-over-password-1' })).body.code).toBe(
          'OTHER_PARTYS_ACCOUNT',
        );
        expect((await post(`/v1/operators/${target.operatorId}/suspension`, auditor)).body.code).toBe('OTHER_PARTYS_ACCOUNT');
        await t.login(target.userId, target.password);
      }
    });

    it('Disdukcapil enrols, suspends, reinstates, resets and revokes its own auditors and Bupati-office accounts, each event naming the auditor', async () => {
      const me = (await t.infra.dataSource.query(`SELECT operator_id FROM operator_accounts WHERE user_id = 'auditor'`))[0].operator_id as string;
      for (const role of ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE']) {
        const target = await enrol(auditor, role);
        expect((await post(`/v1/operators/${target.operatorId}/suspension`, auditor)).status).toBe(201);
        expect((await post(`/v1/operators/${target.operatorId}/reinstatement`, auditor)).status).toBe(201);
        expect((await post(`/v1/operators/${target.operatorId}/password`, auditor, { newPassword: 'reset-by-auditor-1' })).status).toBe(201);
        await t.login(target.userId, 'reset-by-auditor-1');
        expect((await post(`/v1/operators/${target.operatorId}/revocation`, auditor)).status).toBe(201);
        const events = await t.infra.eventStore.readStream(`operator-${target.operatorId}`);
        expect(events.map((e) => [e.type, e.data.actorId])).toEqual([
          ['OperatorEnrolled', me],
          ['OperatorSuspended', me],
          ['OperatorReinstated', me],
          ['OperatorPasswordChanged', me],
          ['OperatorPasswordChanged', target.operatorId], // the owner's own change, owed at first sign-in after a reset
          ['OperatorRevoked', me],
        ]);
      }
      await until(async () => ((await t.http().get('/v1/operators').set(auth(auditor))).body as { role: string }[]).some((o) => o.role === 'BUPATI_OFFICE'), {
        what: 'listed',
      });
      const listed = (await t.http().get('/v1/operators').set(auth(auditor))).body as { role: string }[];
      expect(new Set(listed.map((o) => o.role))).toEqual(new Set(['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE']));
    });
  });

  describe('the agreement', () => {
    const terms = (n: string) => ({
      dukcapilNumber: `PT/${n}/D`,
      dinkesNumber: `PT/${n}/K`,
      signedOn: '2020-01-01',
      validFrom: '2020-01-01',
      validUntil: '2099-12-31',
      grantedFields: ['NIK'],
    });

    it('an agreement proposed by Dinkes alone is PENDING and grants nothing; it is in force once Disdukcapil confirms it', async () => {
      const proposed = await post('/v1/agreements', admin, terms(`${Date.now() % 100000}A`));
      expect(proposed.status).toBe(201);
      expect(proposed.body).toMatchObject({ status: 'PENDING', change: { change: 'SIGN', status: 'PENDING', proposedByParty: 'DINKES' } });
      const id = proposed.body.agreementId as string;
      const shown = await t.http().get(`/v1/agreements/${id}`).set(auth(auditor)).expect(200);
      expect(shown.body.pendingChanges).toEqual([expect.objectContaining({ changeId: proposed.body.change.changeId, change: 'SIGN' })]);
      // The register lists it for the other party to find, as PENDING.
      await until(
        async () =>
          ((await t.http().get('/v1/agreements').set(auth(auditor))).body as { agreementId: string; status: string }[]).some(
            (x) => x.agreementId === id && x.status === 'PENDING',
          ),
        { what: 'listed as PENDING' },
      );
      // Nothing in force comes from it: the lookup-deciding function never returns a pending agreement.
      const inForce = await agreementInForce(t.infra.eventStore, t.infra.dataSource, new Date());
      expect(inForce.agreement?.agreementId).not.toBe(id);

      const own = await post(`/v1/agreements/${id}/changes/${proposed.body.change.changeId}/confirmation`, admin);
      expect([own.status, own.body.code]).toEqual([403, 'OWN_PROPOSAL']);
      const confirmed = await post(`/v1/agreements/${id}/changes/${proposed.body.change.changeId}/confirmation`, auditor);
      expect(confirmed.status).toBe(201);
      expect(confirmed.body).toMatchObject({
        status: 'ACTIVE',
        pendingChanges: [],
        changes: [{ change: 'SIGN', status: 'CONFIRMED', confirmedBy: expect.any(String), confirmedAt: expect.any(String) }],
      });
    });

    it('an extension of the seeded agreement proposed by Dinkes to 2100 grants nothing until Disdukcapil confirms it, and Disdukcapil can refuse it', async () => {
      const before = (await t.http().get(`/v1/agreements/${SEEDED_AGREEMENT_ID}`).set(auth(admin))).body;
      const proposed = await post(`/v1/agreements/${SEEDED_AGREEMENT_ID}/extensions`, admin, {
        addendumNumber: `X/${Date.now() % 100000}/2100`,
        validUntil: '2100-12-31',
      });
      expect(proposed.status).toBe(201);
      expect(proposed.body).toMatchObject({ validUntil: before.validUntil, status: before.status });
      const rejected = await post(`/v1/agreements/${SEEDED_AGREEMENT_ID}/changes/${proposed.body.change.changeId}/rejection`, auditor);
      expect(rejected.status).toBe(201);
      expect(rejected.body.changes).toEqual(expect.arrayContaining([expect.objectContaining({ changeId: proposed.body.change.changeId, status: 'REJECTED' })]));
      expect(rejected.body.validUntil).toBe(before.validUntil);
      const late = await post(`/v1/agreements/${SEEDED_AGREEMENT_ID}/changes/${proposed.body.change.changeId}/confirmation`, auditor);
      expect([late.status, late.body.code]).toEqual([409, 'AGREEMENT_CHANGE_NOT_PENDING']);
    });

    it('Disdukcapil alone terminates for breach, at once; Dinkes cannot, and a termination by consent waits for the other party', async () => {
      const proposed = await post('/v1/agreements', admin, terms(`${Date.now() % 100000}B`));
      const id = proposed.body.agreementId as string;
      await post(`/v1/agreements/${id}/changes/${proposed.body.change.changeId}/confirmation`, auditor).expect(201);
      const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      const byDinkes = await post(`/v1/agreements/${id}/termination`, admin, { reason: 'BREACH_BY_DINKES', effectiveOn: today });
      expect([byDinkes.status, byDinkes.body.code]).toEqual([403, 'BREACH_TERMINATION_BY_DISDUKCAPIL_ONLY']);
      const consent = await post(`/v1/agreements/${id}/termination`, admin, { reason: 'MUTUAL_CONSENT', effectiveOn: today });
      expect(consent.body).toMatchObject({ status: 'ACTIVE', termination: null });
      const breach = await post(`/v1/agreements/${id}/termination`, auditor, { reason: 'BREACH_BY_DINKES', effectiveOn: today });
      expect(breach.status).toBe(201);
      expect(breach.body).toMatchObject({ status: 'TERMINATED', termination: { reason: 'BREACH_BY_DINKES' } });
    });
  });
});
