import { START } from '../../src/infrastructure/event-store/event-store.port';
import { wibDay } from '../../src/infrastructure/time/wib';
import { SEEDED_AGREEMENT_ID } from '../../src/modules/access/seed/seed';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { thePuskesmasList } from '../support/fixtures';
import { until } from '../support/until';
import { AUDITOR_USER_ID, callerOf, proposeAndConfirm } from '../support/parties';
import { changedPassword } from '../support/gateway-client';

/** The registers as a Dinkes administrator works them, through HTTP, on the embedded database. */
describe('The access registers through HTTP', () => {
  let t: TestApp;
  let admin: string;
  let auditor: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    auditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
  });
  afterAll(async () => t?.close());

  it('has seeded the 2022 agreement (signed by both parties) and shows it EXPIRED, and Dinkes with the 21 Puskesmas', async () => {
    const agreement = await t.http().get(`/v1/agreements/${SEEDED_AGREEMENT_ID}`).set(auth(admin)).expect(200);
    expect(agreement.body).toMatchObject({
      dukcapilNumber: '473.3/2271.12/IX/2022',
      dinkesNumber: '440/2633.17.5/IX/2022',
      validUntil: '2024-09-15',
      status: 'EXPIRED',
      daysLeft: 0,
    });
    expect(agreement.body.changes[0]).toMatchObject({ change: 'SIGN', status: 'CONFIRMED', proposedBy: 'SEED', confirmedBy: 'SEED' });
    await thePuskesmasList(callerOf(t), admin);
    const facilities = (await t.http().get('/v1/facilities').set(auth(admin))).body as { kind: string; name: string }[];
    expect(facilities.filter((f) => f.kind === 'PUSKESMAS').map((f) => f.name)).toEqual(
      expect.arrayContaining(['Puskesmas Jaten I', 'Puskesmas Jaten II', 'Puskesmas Jenawi']),
    );
    expect(facilities.filter((f) => f.kind === 'PUSKESMAS' && f.name.startsWith('Puskesmas '))).toHaveLength(21);
    expect(facilities.filter((f) => f.kind === 'DINKES')).toHaveLength(1);
  });

  it('seeds only once, however often the service starts', async () => {
    const again = await startApp();
    await again.close();
    await thePuskesmasList(callerOf(t), admin);
    const seeded = (await t.infra.eventStore.readStream('seed-karanganyar')).length;
    expect(seeded).toBe(1);
    const rows = await t.infra.dataSource.query(`SELECT count(*)::int AS n FROM facility_register WHERE code LIKE 'PKM-%' AND name LIKE 'Puskesmas %'`);
    expect(rows[0].n).toBe(21);
  });

  it('signs, extends and terminates an agreement with both parties, refusing contradictions with a clear code', async () => {
    const call = callerOf(t);
    const signed = await proposeAndConfirm(call, admin, auditor, '/v1/agreements', {
      dukcapilNumber: '473.3/9/I/2030',
      dinkesNumber: '440/9/I/2030',
      signedOn: '2030-01-02',
      validFrom: '2030-01-02',
      validUntil: '2031-01-01',
      grantedFields: ['NIK', 'NAMA_LENGKAP'],
    });
    expect(signed).toMatchObject({ status: 'NOT_YET_VALID', validUntil: '2031-01-01' });
    const id = signed.agreementId as string;

    const ends = await t
      .http()
      .post('/v1/agreements')
      .set(auth(admin))
      .send({ dukcapilNumber: 'A/1', dinkesNumber: 'B/1', signedOn: '2030-01-01', validFrom: '2030-01-02', validUntil: '2030-01-01', grantedFields: [] });
    expect(ends.status).toBe(422);
    expect(ends.body.code).toBe('AGREEMENT_END_BEFORE_START');

    const earlier = await t.http().post(`/v1/agreements/${id}/extensions`).set(auth(admin)).send({ addendumNumber: 'ADD/1/2030', validUntil: '2030-06-01' });
    expect(earlier.status).toBe(422);
    expect(earlier.body.code).toBe('EXTENSION_NOT_LATER');

    const extended = await proposeAndConfirm(call, auditor, admin, `/v1/agreements/${id}/extensions`, {
      addendumNumber: 'ADD/1/2030',
      validUntil: '2032-01-01',
    });
    expect(extended.validUntil).toBe('2032-01-01');

    await proposeAndConfirm(call, admin, auditor, `/v1/agreements/${id}/termination`, { reason: 'MUTUAL_CONSENT', effectiveOn: '2030-06-01' });
    const again = await t.http().post(`/v1/agreements/${id}/extensions`).set(auth(admin)).send({ addendumNumber: 'ADD/2/2030', validUntil: '2033-01-01' });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('AGREEMENT_TERMINATED');

    const missing = await t
      .http()
      .post('/v1/agreements/00000000-0000-4000-8000-000000000000/extensions')
      .set(auth(admin))
      .send({ addendumNumber: 'X/1', validUntil: '2033-01-01' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('AGREEMENT_NOT_FOUND');
  });

  it('counts an agreement valid through the end of its last day in Jakarta, and expired the day after', async () => {
    const today = wibDay(new Date());
    const yesterday = wibDay(new Date(Date.now() - 86_400_000));
    const sign = (n: number, validUntil: string) =>
      proposeAndConfirm(callerOf(t), admin, auditor, '/v1/agreements', {
        dukcapilNumber: `WIB/${n}/D`,
        dinkesNumber: `WIB/${n}/K`,
        signedOn: '2020-01-01',
        validFrom: '2020-01-01',
        validUntil,
        grantedFields: ['NIK'],
      });
    expect(await sign(1, today)).toMatchObject({ status: 'ACTIVE', daysLeft: 1 });
    expect(await sign(2, yesterday)).toMatchObject({ status: 'EXPIRED', daysLeft: 0 });
  });

  it('answers bad input with 400 and a stable code, and writes nothing', async () => {
    // Other suites write to the same database meanwhile: look at what these requests could have written.
    const before = (await t.infra.eventStore.readStream(`agreement-${SEEDED_AGREEMENT_ID}`)).length;
    const cases: [string, string, object, string][] = [
      ['POST', '/v1/agreements/not-a-uuid/extensions', { addendumNumber: 'A/1', validUntil: '2030-01-01' }, 'ID_MALFORMED'],
      ['POST', `/v1/agreements/${SEEDED_AGREEMENT_ID}/extensions`, { addendumNumber: 'A/1', validUntil: '2023-02-29' }, 'VALIDATION_FAILED'],
      ['POST', `/v1/agreements/${SEEDED_AGREEMENT_ID}/termination`, { reason: 'BORED', effectiveOn: '2023-01-01' }, 'VALIDATION_FAILED'],
      ['POST', `/v1/agreements/${SEEDED_AGREEMENT_ID}/extensions`, { addendumNumber: 'A/1', validUntil: '2030-01-01', nama: 'SITI' }, 'FIELD_NOT_ALLOWED'],
      ['POST', '/v1/facilities', { kind: 'HOSPITAL', code: 'RS-1', name: 'Rumah Sakit', kecamatanCode: '331301' }, 'VALIDATION_FAILED'],
      ['POST', '/v1/operators', { userId: 'x', password: 'short', role: 'PUSKESMAS_OPERATOR' }, 'VALIDATION_FAILED'],
    ];
    for (const [method, path, body, code] of cases) {
      const res = await t.http()[method === 'POST' ? 'post' : 'get'](path).set(auth(admin)).send(body);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code });
      expect(JSON.stringify(res.body)).not.toContain('SITI');
    }
    expect((await t.infra.eventStore.readStream(`agreement-${SEEDED_AGREEMENT_ID}`)).length).toBe(before);
    expect(await t.infra.eventStore.readStream('facilitycode-RS-1')).toEqual([]);
  });

  it('registers a card reader for a Puskesmas, retires it once, and refuses readers for Dinkes', async () => {
    const facilities = (await t.http().get('/v1/facilities').set(auth(admin))).body as { facilityId: string; kind: string }[];
    const puskesmas = facilities.find((f) => f.kind === 'PUSKESMAS')!;
    const dinkes = facilities.find((f) => f.kind === 'DINKES')!;
    const reader = await t.http().post(`/v1/facilities/${puskesmas.facilityId}/card-readers`).set(auth(admin)).send({ samSerial: 'SAM-0001-2345' }).expect(201);
    expect(reader.body).toMatchObject({ facilityId: puskesmas.facilityId, samSerial: 'SAM-0001-2345', retired: false });
    const readerId = reader.body.readerId as string;
    await t.http().post(`/v1/card-readers/${readerId}/retirement`).set(auth(admin)).expect(201);
    expect((await t.http().post(`/v1/card-readers/${readerId}/retirement`).set(auth(admin))).body.code).toBe('CARD_READER_ALREADY_RETIRED');
    expect((await t.http().post(`/v1/facilities/${dinkes.facilityId}/card-readers`).set(auth(admin)).send({ samSerial: 'SAM-9' })).body.code).toBe(
      'CARD_READER_NEEDS_PUSKESMAS',
    );
    expect((await t.http().post('/v1/card-readers/00000000-0000-4000-8000-000000000000/retirement').set(auth(admin))).status).toBe(404);
    await until(
      async () =>
        ((await t.http().get('/v1/card-readers').set(auth(admin))).body as { readerId: string; retired: boolean }[]).some(
          (r) => r.readerId === readerId && r.retired,
        ),
      { what: 'the reader listed as retired' },
    );
  });

  it('suspends and revokes an operator from the very next request, even with a valid token', async () => {
    const facilities = (await t.http().get('/v1/facilities').set(auth(admin))).body as { facilityId: string; kind: string }[];
    const puskesmas = facilities.find((f) => f.kind === 'PUSKESMAS')!;
    const userId = uniqueUserId('pkm');
    const enrolled = await t
      .http()
      .post('/v1/operators')
      .set(auth(admin))
      .send({
        userId,
        password: 'operator-password-1',
        role: 'PUSKESMAS_OPERATOR',
        facilityId: puskesmas.facilityId,
        displayName: 'Ani',
        nip: '198001012005012001',
      })
      .expect(201);
    const operatorId = enrolled.body.operatorId as string;
    const token = await t.login(userId, 'operator-password-1'); // changes it to changedPassword('operator-password-1') on the way
    const noCurrent = await t.http().post(`/v1/operators/${operatorId}/password`).set(auth(token)).send({ newPassword: 'operator-password-2' });
    expect(noCurrent.body.code).toBe('CURRENT_PASSWORD_WRONG'); // a stolen token is not enough
    const own = () =>
      t
        .http()
        .post(`/v1/operators/${operatorId}/password`)
        .set(auth(token))
        .send({ currentPassword: changedPassword('operator-password-1'), newPassword: 'operator-password-3' });
    expect((await own()).status).toBe(201);
    // Nobody but the account itself or an administrator changes a password, and the refusal is recorded.
    const other = await t
      .http()
      .post(`/v1/operators/${operatorId}/password`)
      .set(auth(await t.login(await enrolBupatiOffice(), 'bupati-password-1')))
      .send({ newPassword: 'taken-over-password' });
    expect(other.body.code).toBe('NOT_YOUR_ACCOUNT');

    await t.http().post(`/v1/operators/${operatorId}/suspension`).set(auth(admin)).expect(201);
    const suspended = await own();
    expect(suspended.status).toBe(403);
    expect(suspended.body.code).toBe('OPERATOR_SUSPENDED');

    await t.http().post(`/v1/operators/${operatorId}/reinstatement`).set(auth(admin)).expect(201);
    expect((await own()).status).toBe(401); // reinstating does not revive tokens from before the suspension
    const again = await t.login(userId, 'operator-password-3');
    expect(
      (
        await t
          .http()
          .post(`/v1/operators/${operatorId}/password`)
          .set(auth(again))
          .send({ currentPassword: 'operator-password-3', newPassword: 'operator-password-2' })
      ).status,
    ).toBe(201);

    await t.http().post(`/v1/operators/${operatorId}/revocation`).set(auth(admin)).expect(201);
    expect((await t.http().post(`/v1/operators/${operatorId}/password`).set(auth(again)).send({})).status).toBe(401); // sessions closed with the revocation
    const relogin = await t.http().post('/v1/auth/login').send({ userId, password: 'operator-password-2' });
    expect(relogin.body.code).toBe('OPERATOR_REVOKED');

    const denied = (await t.infra.eventStore.readAll({ after: START, maxCount: 100_000 })).filter(
      (e) => e.type === 'AccessDenied' && e.data.operatorId === operatorId,
    );
    expect(denied.map((e) => e.data.reason)).toEqual(expect.arrayContaining(['OPERATOR_SUSPENDED', 'OPERATOR_REVOKED']));
  });

  async function enrolBupatiOffice(): Promise<string> {
    const userId = uniqueUserId('bupati');
    await t.http().post('/v1/operators').set(auth(auditor)).send({ userId, password: 'bupati-password-1', role: 'BUPATI_OFFICE' }).expect(201);
    return userId;
  }

  it('keeps the person in an erasable profile, never in the events', async () => {
    const userId = uniqueUserId('auditor');
    const enrolled = await t
      .http()
      .post('/v1/operators')
      .set(auth(auditor))
      .send({ userId, password: 'auditor-password-1', role: 'DUKCAPIL_AUDITOR', displayName: 'Budi Hartono', phone: '081234567890' })
      .expect(201);
    const operatorId = enrolled.body.operatorId as string;
    const events = await t.infra.eventStore.readStream(`operator-${operatorId}`);
    const text = JSON.stringify(events.map((e) => e.data));
    for (const personal of ['Budi', '081234567890', userId]) expect(text).not.toContain(personal);
    await until(
      async () => ((await t.http().get('/v1/operators').set(auth(auditor))).body as { operatorId: string }[]).some((o) => o.operatorId === operatorId),
      { what: 'the account listed' },
    );
    await t.http().delete(`/v1/operators/${operatorId}/profile`).set(auth(auditor)).expect(204);
    const listed = ((await t.http().get('/v1/operators').set(auth(auditor))).body as { operatorId: string; displayName: string | null }[]).find(
      (o) => o.operatorId === operatorId,
    );
    expect(listed!.displayName).toBeNull();
  });

  it('binds operators to a Puskesmas and administrators to Dinkes', async () => {
    const facilities = (await t.http().get('/v1/facilities').set(auth(admin))).body as { facilityId: string; kind: string }[];
    const dinkes = facilities.find((f) => f.kind === 'DINKES')!;
    const wrong = await t
      .http()
      .post('/v1/operators')
      .set(auth(admin))
      .send({ userId: uniqueUserId('x'), password: 'operator-password-1', role: 'PUSKESMAS_OPERATOR', facilityId: dinkes.facilityId });
    expect(wrong.body.code).toBe('FACILITY_KIND_MISMATCH');
    const none = await t
      .http()
      .post('/v1/operators')
      .set(auth(admin))
      .send({ userId: uniqueUserId('x'), password: 'operator-password-1', role: 'PUSKESMAS_OPERATOR' });
    expect(none.body.code).toBe('FACILITY_REQUIRED');
    const taken = await t.http().post('/v1/operators').set(auth(auditor)).send({ userId: 'admin', password: 'operator-password-1', role: 'BUPATI_OFFICE' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('USER_ID_TAKEN');
  });

  it('locks an account after 5 wrong passwords in 15 minutes, even against the right one, and shows it to admins', async () => {
    const userId = uniqueUserId('bupati');
    const enrolled = await t.http().post('/v1/operators').set(auth(auditor)).send({ userId, password: 'bupati-password-1', role: 'BUPATI_OFFICE' }).expect(201);
    for (let i = 0; i < 5; i++) {
      const res = await t
        .http()
        .post('/v1/auth/login')
        .send({ userId, password: `wrong-password-${i}` });
      expect(res.body.code).toBe('LOGIN_FAILED');
    }
    const locked = await t.http().post('/v1/auth/login').send({ userId, password: 'bupati-password-1' });
    expect(locked.status).toBe(403);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    await until(
      async () =>
        ((await t.http().get('/v1/operators').set(auth(auditor))).body as { operatorId: string; lockedUntil: string | null }[]).some(
          (o) => o.operatorId === enrolled.body.operatorId && o.lockedUntil !== null,
        ),
      { what: 'lockout visible' },
    );
  });

  it('counts parallel guesses one by one: at most five passwords are ever checked before the lock', async () => {
    const userId = uniqueUserId('parallel');
    await t.http().post('/v1/operators').set(auth(auditor)).send({ userId, password: 'parallel-password-1', role: 'BUPATI_OFFICE' }).expect(201);
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        t
          .http()
          .post('/v1/auth/login')
          .send({ userId, password: `guess-${i}-wrong` }),
      ),
    );
    const codes = answers.map((a) => a.body.code);
    expect(codes.filter((c) => c === 'LOGIN_FAILED').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c !== 'LOGIN_FAILED' && c !== 'ACCOUNT_LOCKED')).toEqual([]);
    expect((await t.http().post('/v1/auth/login').send({ userId, password: 'parallel-password-1' })).body.code).toBe('ACCOUNT_LOCKED');
  });

  it('locks an unknown user id like a real one, so a lockout does not tell whether an id exists', async () => {
    for (let i = 0; i < 5; i++)
      expect(
        (
          await t
            .http()
            .post('/v1/auth/login')
            .send({ userId: 'nobody-at-all', password: `guess-${i}` })
        ).body.code,
      ).toBe('LOGIN_FAILED');
    expect((await t.http().post('/v1/auth/login').send({ userId: 'nobody-at-all', password: 'guess-6' })).body.code).toBe('ACCOUNT_LOCKED');
  });

  it('refuses control characters and unknown fields without repeating what was sent', async () => {
    const nul = await t.http().post('/v1/auth/login').send({ userId: 'admin\u0000', password: 'x' });
    expect(nul.status).toBe(400);
    expect(nul.body.code).toBe('CONTROL_CHARACTER');
    const extra = await t
      .http()
      .post('/v1/facilities')
      .set(auth(admin))
      .send({ kind: 'PUSKESMAS', code: 'PKM-X-1', name: 'Puskesmas X', kecamatanCode: '331301', sitiRahayu: 1 });
    expect(extra.body.code).toBe('FIELD_NOT_ALLOWED');
    expect(JSON.stringify(extra.body)).not.toContain('siti');
  });

  it('refuses a second facility with a code already in use, even the seeded ones', async () => {
    const res = await t
      .http()
      .post('/v1/facilities')
      .set(auth(admin))
      .send({ kind: 'PUSKESMAS', code: 'PKM-331311-1', name: 'Puskesmas Kembar', kecamatanCode: '331311' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('FACILITY_CODE_USED');
  });

  it('answers an unknown user id exactly like a wrong password', async () => {
    const unknown = await t.http().post('/v1/auth/login').send({ userId: 'nobody-here', password: 'whatever-password' });
    const wrong = await t.http().post('/v1/auth/login').send({ userId: 'admin', password: 'whatever-password' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });
});
