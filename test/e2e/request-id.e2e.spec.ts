import { randomUUID } from 'node:crypto';
import { LOCKOUT_FAILURES } from '../../src/modules/access/operators/operator';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { until } from '../support/until';
import { AUDITOR_USER_ID } from '../support/parties';

/** The request id ties what a request recorded to the request (and to its log line). */
describe('The X-Request-Id a client sends', () => {
  let t: TestApp;
  let auditor: string;
  let admin: string;
  let seededAuditor: string;

  beforeAll(async () => {
    t = await startApp({ LOOKUPS_PER_HOUR: '1000' });
    admin = await t.login('admin', ADMIN_PASSWORD);
    seededAuditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    const userId = uniqueUserId('request-id-auditor');
    await t
      .http()
      .post('/v1/operators')
      .set('authorization', `Bearer ${seededAuditor}`)
      .send({ userId, password: 'request-id-password-1', role: 'DUKCAPIL_AUDITOR' })
      .expect(201);
    auditor = await t.login(userId, 'request-id-password-1');
  });
  afterAll(async () => t?.close());

  const evaluation = { kind: 'AD_HOC', findings: [{ obligation: 'CONFIDENTIALITY', finding: 'MET' }] };
  const eventsOf = async (evaluationId: string): Promise<{ type: string; correlation_id: string | null }[]> =>
    t.infra.dataSource.query(`SELECT type, correlation_id FROM es_events WHERE stream_id LIKE $1`, [`%${evaluationId}`]);

  it('is the correlation id of the events the request recorded', async () => {
    const requestId = randomUUID();
    const { evaluationId } = (
      await t.http().post('/v1/evaluations').set('authorization', `Bearer ${auditor}`).set('x-request-id', requestId).send(evaluation).expect(201)
    ).body;
    expect(await eventsOf(evaluationId)).toEqual([{ type: 'EvaluationRecorded', correlation_id: requestId }]);
  });

  it("is replaced by one of the gateway's own when it is not a UUID, and the request is served all the same", async () => {
    for (const given of ['not-a-uuid', '3313011209900001', `${randomUUID()}, ${randomUUID()}`]) {
      const res = await t.http().post('/v1/evaluations').set('authorization', `Bearer ${auditor}`).set('x-request-id', given).send(evaluation);
      expect({ given, status: res.status }).toEqual({ given, status: 201 });
      const [event] = await eventsOf(res.body.evaluationId);
      expect(event!.correlation_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it("is the correlation id of every event an administrator's change, a clerk's command or a refusal records", async () => {
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const recorded: [what: string, requestId: string][] = [];
    /** Sends one request under a fresh request id; what it recorded is looked up by that id afterwards. */
    const send = async (what: string, method: 'post' | 'delete', path: string, token: string | undefined, body?: object, expected = 201) => {
      const requestId = randomUUID();
      const req = t.http()[method](path).set('x-request-id', requestId);
      const res = await (token ? req.set(auth(token)) : req).send(body);
      expect({ what, status: res.status }).toEqual({ what, status: expected });
      recorded.push([what, requestId]);
      return res.body;
    };
    const n = randomUUID().slice(0, 8).toUpperCase();
    const agreement = await send('propose an agreement', 'post', '/v1/agreements', admin, {
      dukcapilNumber: `RQ/${n}/D`,
      dinkesNumber: `RQ/${n}/K`,
      signedOn: '2020-01-01',
      validFrom: '2020-01-01',
      validUntil: '2098-12-31',
      grantedFields: ['NIK'],
    });
    await send('confirm it', 'post', `/v1/agreements/${agreement.agreementId}/changes/${agreement.change.changeId}/confirmation`, seededAuditor);
    const extension = await send('propose an extension', 'post', `/v1/agreements/${agreement.agreementId}/extensions`, admin, {
      addendumNumber: `RQ/${n}/ADD`,
      validUntil: '2099-12-31',
    });
    await send('confirm the extension', 'post', `/v1/agreements/${agreement.agreementId}/changes/${extension.change.changeId}/confirmation`, seededAuditor);
    const facility = await send('register a Puskesmas', 'post', '/v1/facilities', admin, {
      kind: 'PUSKESMAS',
      code: `PKM-RQ${n}`,
      name: `Uji Korelasi ${n}`,
      kecamatanCode: '331311',
    });
    const reader = await send('register a card reader', 'post', `/v1/facilities/${facility.facilityId}/card-readers`, admin, { samSerial: `SAM-RQ-${n}` });
    const userId = uniqueUserId('request-id-clerk');
    const clerk = await send('enrol a clerk', 'post', '/v1/operators', admin, {
      userId,
      password: 'request-id-password-2',
      role: 'PUSKESMAS_OPERATOR',
      facilityId: facility.facilityId,
    });
    const signedIn = await send('sign in', 'post', '/v1/auth/login', undefined, { userId, password: 'request-id-password-2' }, 200);
    await send('change the password an administrator set', 'post', `/v1/operators/${clerk.operatorId}/password`, signedIn.accessToken, {
      currentPassword: 'request-id-password-2',
      newPassword: 'request-id-password-5',
    });
    const simulator = t.app.get(RegistryConnection).simulator!;
    const nik = simulator.samples.found[0]!;
    await until(async () => (await t.http().post('/v1/access/nik-lookups').set(auth(signedIn.accessToken)).send({ nik })).status === 200, {
      what: 'the clerk may look up',
    });
    const lookup = await send('look up a NIK', 'post', '/v1/access/nik-lookups', signedIn.accessToken, { nik }, 200);
    await send('read a KTP-el', 'post', '/v1/access/card-reads', signedIn.accessToken, { readerId: reader.readerId, nik, fingerprint: 'MATCHED' }, 200);
    await send(
      'send data balikan',
      'post',
      '/v1/balikan',
      signedIn.accessToken,
      { accessId: lookup.accessId, nik, verificationToken: lookup.verificationToken, bloodType: 'AB' },
      202,
    );
    await send('sign an agreement as a clerk (refused)', 'post', '/v1/agreements', signedIn.accessToken, {}, 403);
    const balikan = await send(
      'send data balikan as another Puskesmas (refused)',
      'post',
      '/v1/balikan',
      await otherClerk(),
      { accessId: lookup.accessId, nik, verificationToken: lookup.verificationToken, bloodType: 'AB' },
      403,
    );
    expect(balikan.code).toBe('FACILITY_SCOPE');
    await send("change the clerk's password", 'post', `/v1/operators/${clerk.operatorId}/password`, admin, { newPassword: 'request-id-password-3' });
    await send('suspend the clerk', 'post', `/v1/operators/${clerk.operatorId}/suspension`, admin, {});
    await send('reinstate the clerk', 'post', `/v1/operators/${clerk.operatorId}/reinstatement`, admin, {});
    await send('retire the card reader', 'post', `/v1/card-readers/${reader.readerId}/retirement`, admin, {});
    for (let i = 0; i < LOCKOUT_FAILURES; i++)
      await send(`a wrong password (${i + 1})`, 'post', '/v1/auth/login', undefined, { userId, password: 'not-the-password' }, 401);
    await send('sign in while locked out', 'post', '/v1/auth/login', undefined, { userId, password: 'request-id-password-3' }, 403);
    await send('revoke the clerk', 'post', `/v1/operators/${clerk.operatorId}/revocation`, admin, {});
    const termination = await send('propose terminating the agreement', 'post', `/v1/agreements/${agreement.agreementId}/termination`, admin, {
      reason: 'MUTUAL_CONSENT',
      effectiveOn: '2098-01-01',
    });
    await send('confirm the termination', 'post', `/v1/agreements/${agreement.agreementId}/changes/${termination.change.changeId}/confirmation`, seededAuditor);

    async function otherClerk(): Promise<string> {
      const [puskesmas] = ((await t.http().get('/v1/facilities').set(auth(admin))).body as { facilityId: string; kind: string }[]).filter(
        (f) => f.kind === 'PUSKESMAS' && f.facilityId !== facility.facilityId,
      );
      const other = uniqueUserId('request-id-other');
      await t
        .http()
        .post('/v1/operators')
        .set(auth(admin))
        .send({ userId: other, password: 'request-id-password-4', role: 'PUSKESMAS_OPERATOR', facilityId: puskesmas!.facilityId })
        .expect(201);
      return t.login(other, 'request-id-password-4');
    }
    const typesOf = async (requestId: string) =>
      (
        (await t.infra.dataSource.query(`SELECT type FROM es_events WHERE correlation_id = $1 ORDER BY global_position`, [requestId])) as { type: string }[]
      ).map((e) => e.type);
    const found = await Promise.all(recorded.map(async ([what, requestId]) => [what, await typesOf(requestId)] as const));
    expect(Object.fromEntries(found)).toEqual({
      'propose an agreement': ['AgreementChangeProposed'],
      'confirm it': ['AgreementSigned'],
      'propose an extension': ['AgreementChangeProposed'],
      'confirm the extension': ['AgreementExtended'],
      'register a Puskesmas': ['FacilityCodeReserved', 'FacilityRegistered'],
      'register a card reader': ['CardReaderRegistered'],
      'enrol a clerk': ['OperatorEnrolled'],
      'sign in': ['OperatorSignInAttempted', 'OperatorLoggedIn'],
      'change the password an administrator set': ['OperatorPasswordChanged'],
      'look up a NIK': ['NikLookupPerformed'],
      'read a KTP-el': ['CardReadRecorded'],
      'send data balikan': ['BalikanSubmitted'],
      'sign an agreement as a clerk (refused)': ['AccessDenied'],
      'send data balikan as another Puskesmas (refused)': ['AccessDenied'],
      "change the clerk's password": ['OperatorPasswordChanged'],
      'suspend the clerk': ['OperatorSuspended'],
      'reinstate the clerk': ['OperatorReinstated'],
      'retire the card reader': ['CardReaderRetired'],
      ...Object.fromEntries(
        Array.from({ length: LOCKOUT_FAILURES }, (_, i) => [
          `a wrong password (${i + 1})`,
          i + 1 < LOCKOUT_FAILURES ? ['OperatorSignInAttempted'] : ['OperatorSignInAttempted', 'OperatorLockedOut'],
        ]),
      ),
      'sign in while locked out': ['AccessDenied'],
      'revoke the clerk': ['OperatorRevoked'],
      'propose terminating the agreement': ['AgreementChangeProposed'],
      'confirm the termination': ['AgreementTerminated'],
    });
  });
});
