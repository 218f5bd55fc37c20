import { randomUUID } from 'node:crypto';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import type { RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import pino from 'pino';
import { BalikanClient } from '../../src/infrastructure/registry/balikan-client';
import { BalikanDeliveryService } from '../../src/modules/balikan/balikan-delivery.service';
import { BalikanOutbox } from '../../src/modules/balikan/balikan-outbox';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, until, type TestApp } from '../support/app';
import { AUDITOR_USER_ID, callerOf, signAgreementInForce } from '../support/parties';

/** Data balikan as a registration clerk sends it, delivered to the simulator over a real socket. */
describe('Sending data balikan back to the registry', () => {
  let t: TestApp;
  let simulator: RegistrySimulator;
  let admin: string;
  let operator: string;
  let otherOperator: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startApp({ LOOKUPS_PER_HOUR: '1000', RUN_BALIKAN_DELIVERY: 'true' });
    simulator = t.app.get(RegistryConnection).simulator!;
    admin = await t.login('admin', ADMIN_PASSWORD);
    const n = randomUUID().slice(0, 8).toUpperCase();
    await signAgreementInForce(callerOf(t), admin, await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD), { dukcapilNumber: `BK/${n}/D`, dinkesNumber: `BK/${n}/K` });
    await until(async () => ((await t.http().get('/v1/facilities').set(auth(admin))).body as unknown[]).length >= 22);
    const puskesmas = ((await t.http().get('/v1/facilities').set(auth(admin))).body as { facilityId: string; kind: string }[]).filter((f) => f.kind === 'PUSKESMAS');
    const enrol = async (facilityId: string) => {
      const userId = uniqueUserId('balikan');
      await t.http().post('/v1/operators').set(auth(admin)).send({ userId, password: 'balikan-password-1', role: 'PUSKESMAS_OPERATOR', facilityId }).expect(201);
      return t.login(userId, 'balikan-password-1');
    };
    operator = await enrol(puskesmas[0]!.facilityId);
    otherOperator = await enrol(puskesmas[1]!.facilityId);
  });
  afterAll(async () => {
    simulator?.setFault(null, 'BALIKAN');
    await t?.close();
  });

  const lookup = async (nik: string) => (await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik })).body as { accessId: string };
  const submit = (body: object, token = operator, key?: string) => {
    const req = t.http().post('/v1/balikan').set(auth(token));
    return (key ? req.set('idempotency-key', key) : req).send(body);
  };
  const status = async (id: string) => (await t.http().get(`/v1/balikan/${id}`).set(auth(operator))).body as { status: string; attempts: number };

  it('accepts a balikan at once, delivers it once, keeps no value anywhere, and shows only its status', async () => {
    const nik = simulator.samples.found[0]!;
    const { accessId } = await lookup(nik);
    const res = await submit({ accessId, nik, medicalRecordNumber: 'RM-2025-000871', bloodType: 'O+' }).expect(202);
    expect(res.body).toEqual({ balikanId: expect.any(String), status: 'QUEUED' });
    const id = res.body.balikanId as string;
    await until(async () => (await status(id)).status === 'DELIVERED', 'balikan delivered');
    expect(simulator.balikan().perReference.get(id)).toBe(1);
    // DELIVERED is recorded first and the sealed row deleted right after, so the delete is awaited, not assumed.
    const rowsLeft = async () => (await t.infra.dataSource.query('SELECT 1 FROM balikan_outbox WHERE balikan_id = $1', [id])).length;
    await until(async () => (await rowsLeft()) === 0, 'sealed outbox row deleted');
    const shown = JSON.stringify(await status(id));
    const recorded = JSON.stringify((await t.infra.eventStore.readStream(`access-${accessId}`)).map((e) => e.data));
    for (const text of [shown, recorded]) for (const value of ['RM-2025-000871', nik]) expect(text).not.toContain(value);
    expect(recorded).toContain('MEDICAL_RECORD_NUMBER');
  });

  it('keeps trying while the registry is down, then delivers', async () => {
    const nik = simulator.samples.found[1]!;
    const { accessId } = await lookup(nik);
    simulator.setFault({ mode: 'HTTP_5XX', status: 503 }, 'BALIKAN');
    const id = (await submit({ accessId, nik, deathCertificateNumber: 'SKK/474.3/12/2025' }).expect(202)).body.balikanId as string;
    await until(async () => (await status(id)).status === 'FAILED_RETRYING', 'first failure recorded');
    const sealed: { sealed: string }[] = await t.infra.dataSource.query('SELECT sealed FROM balikan_outbox WHERE balikan_id = $1', [id]);
    expect(sealed[0]!.sealed).not.toContain('SKK/474.3');
    simulator.setFault(null, 'BALIKAN');
    await until(async () => (await status(id)).status === 'DELIVERED', 'delivered after recovery');
    expect(simulator.balikan().perReference.get(id)).toBe(1);
  }, 30_000);

  it('answers a repeated Idempotency-Key with the same balikan, recording nothing twice', async () => {
    const nik = simulator.samples.found[2]!;
    const { accessId } = await lookup(nik);
    const key = randomUUID();
    const first = await submit({ accessId, nik, bloodType: 'A' }, operator, key).expect(202);
    const second = await submit({ accessId, nik, bloodType: 'A' }, operator, key).expect(202);
    expect(second.body.balikanId).toBe(first.body.balikanId);
    const submitted = (await t.infra.eventStore.readStream(`access-${accessId}`)).filter((e) => e.type === 'BalikanSubmitted');
    expect(submitted).toHaveLength(1);
  });

  it('gives up on a balikan that could not be delivered in time: purged, and marked ABANDONED', async () => {
    const nik = simulator.samples.found[4]!;
    const { accessId } = await lookup(nik);
    simulator.setFault({ mode: 'DOWN' }, 'BALIKAN');
    try {
      const id = (await submit({ accessId, nik, bloodType: 'B+' }).expect(202)).body.balikanId as string;
      await until(async () => (await status(id)).status === 'FAILED_RETRYING', 'first failure');
      // A delivery pass for which every waiting balikan is already too old (max age 0), due now.
      await t.infra.dataSource.query('UPDATE balikan_outbox SET next_attempt_at = now(), lease_until = NULL WHERE balikan_id = $1', [id]);
      const expiring = new BalikanDeliveryService(t.infra.eventStore, t.app.get(BalikanOutbox), t.app.get(BalikanClient), pino({ level: 'silent' }), 0, false);
      await until(async () => {
        await expiring.deliverDue();
        return (await status(id)).status === 'ABANDONED';
      }, 'abandoned');
      expect(await t.infra.dataSource.query('SELECT 1 FROM balikan_outbox WHERE balikan_id = $1', [id])).toEqual([]);
      expect(simulator.balikan().perReference.get(id)).toBeUndefined();
    } finally {
      simulator.setFault(null, 'BALIKAN');
    }
  });

  it('refuses what cannot be sent back, each with its code', async () => {
    const nik = simulator.samples.found[3]!;
    const { accessId } = await lookup(nik);
    const missing = (await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik: simulator.samples.notFound[0] })).body.accessId as string;
    const cases: [object, number, string, string?][] = [
      [{ accessId, nik }, 400, 'BALIKAN_EMPTY'],
      [{ accessId, nik, bloodType: 'Z' }, 400, 'VALIDATION_FAILED'],
      [{ accessId, nik, medicalRecordNumber: '' }, 400, 'VALIDATION_FAILED'],
      [{ accessId, nik, medicalRecordNumber: 'x'.repeat(31) }, 400, 'VALIDATION_FAILED'],
      [{ accessId, nik: '123', bloodType: 'A' }, 400, 'NIK_NOT_16_DIGITS'],
      [{ accessId: randomUUID(), nik, bloodType: 'A' }, 404, 'ACCESS_NOT_FOUND'],
      [{ accessId: missing, nik: simulator.samples.notFound[0], bloodType: 'A' }, 422, 'ACCESS_FOUND_NOBODY'],
      [{ accessId, nik, bloodType: 'A' }, 403, 'FACILITY_SCOPE', 'other'],
    ];
    for (const [body, code, name, who] of cases) {
      const res = await submit(body, who ? otherOperator : operator);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: code, code: name });
    }
    expect((await submit({ accessId, nik, bloodType: 'A' }, operator, 'not-a-uuid')).body.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });
});
