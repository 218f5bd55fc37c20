import { randomUUID } from 'node:crypto';
import { START, type RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { GRANTED_FIELDS } from '../../src/modules/access/agreements/agreement.events';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { until } from '../support/until';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';
import { anAgreementInForce, anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';

/** What a lookup leaves behind (Pasal 3(2)(c)): an event per access and per refusal, and nothing personal. */
describe('The record every lookup and card read leaves', () => {
  let t: TestApp;
  let operator: string;
  let operatorId: string;
  let facilityId: string;
  let samples: { found: string[]; notFound: string[] };
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startApp({ LOOKUPS_PER_HOUR: '6' });
    samples = t.app.get(RegistryConnection).simulator!.samples;
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const n = randomUUID().slice(0, 8).toUpperCase();
    await anAgreementInForce(callerOf(t), admin, await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD), {
      dukcapilNumber: `EV/${n}/D`,
      dinkesNumber: `EV/${n}/K`,
      grantedFields: [...GRANTED_FIELDS],
    });
    facilityId = (await thePuskesmasList(callerOf(t), admin)).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    ({ operatorId, token: operator } = await anOperatorAt(reach(t), admin, facilityId, { userId: uniqueUserId('events'), password: 'events-password-1' }));
    await until(async () => ((await t.http().get('/v1/agreements').set(auth(admin))).body as { status: string }[]).some((a) => a.status === 'ACTIVE'), {
      what: 'an agreement in force',
    });
    // A card reader of this Puskesmas for the card-read case.
    readerId = (
      await t
        .http()
        .post(`/v1/facilities/${facilityId}/card-readers`)
        .set(auth(admin))
        .send({ samSerial: `SAM-EV-${n}` })
        .expect(201)
    ).body.readerId;
  });
  afterAll(async () => t?.close());
  let readerId: string;

  const accessEvents = async (accessId: string) => t.infra.eventStore.readStream(`access-${accessId}`);

  it('records a found lookup with who, where, channel, outcome, latency and origin — and nothing of the person', async () => {
    const res = await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik: samples.found[0] }).expect(200);
    const [event] = await accessEvents(res.body.accessId);
    expect(event!.type).toBe('NikLookupPerformed');
    expect(event!.data).toEqual({
      accessId: res.body.accessId,
      facilityId,
      operatorId,
      outcome: 'FOUND',
      holderOrigin: 'IN_REGENCY',
      registryLatencyMs: expect.any(Number),
    });
    const text = JSON.stringify(event!.data);
    // Whichever agreement of the shared store is in force, the fields it granted appear nowhere in the event.
    for (const value of [samples.found[0]!, res.body.person.fullName, res.body.person.kkNumber, res.body.person.birthDate].filter((v) => typeof v === 'string'))
      expect(text).not.toContain(value);
  });

  it('records a lookup the registry could not answer, and gives the caller its accessId', async () => {
    const res = await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik: samples.notFound[0] }).expect(404);
    const [event] = await accessEvents(res.body.accessId);
    expect(event!.data.outcome).toBe('NOT_FOUND');
  });

  it('records a card read refused for an unmatched fingerprint, without a registry answer', async () => {
    const res = await t
      .http()
      .post('/v1/access/card-reads')
      .set(auth(operator))
      .send({ readerId, nik: samples.found[1], fingerprint: 'NOT_MATCHED' })
      .expect(422);
    const [event] = await accessEvents(res.body.accessId);
    expect(event).toMatchObject({ type: 'CardReadRecorded', data: { outcome: 'FINGERPRINT_NOT_MATCHED', fingerprint: 'NOT_MATCHED', readerId } });
    expect(event!.data.registryLatencyMs).toBeUndefined();
  });

  it('records a refusal by the access policies as AccessDenied with its reason', async () => {
    let status = 200;
    for (let i = 0; i < 10 && status !== 429; i++)
      status = (await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik: samples.found[2] })).status;
    expect(status).toBe(429);
    const denials = (await t.infra.eventStore.readAll({ after: START, maxCount: 100_000 })).filter(
      (e: RecordedEvent) => e.type === 'AccessDenied' && e.data.operatorId === operatorId,
    );
    expect(denials.map((e) => [e.data.reason, e.data.route])).toContainEqual(['RATE_LIMITED', 'POST /v1/access/nik-lookups']);
  });
});
