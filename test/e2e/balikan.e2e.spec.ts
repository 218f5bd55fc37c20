import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import type { RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import pino from 'pino';
import { BalikanClient } from '../../src/infrastructure/registry/balikan-client';
import { BalikanDeliveryService, WakeBalikanDelivery } from '../../src/modules/balikan/balikan-delivery.service';
import { BalikanOutbox } from '../../src/modules/balikan/balikan-outbox';
import { balikanIdFor, idempotencyKeyStream } from '../../src/modules/balikan/balikan';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { until } from '../support/until';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';
import { anAgreementInForce, anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';

/** Data balikan as a registration clerk sends it, delivered to the simulator over a real socket. */
describe('Sending data balikan back to the registry', () => {
  let t: TestApp;
  let simulator: RegistrySimulator;
  let admin: string;
  let operator: string;
  let otherOperator: string;
  let operatorId = '';
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startApp({ LOOKUPS_PER_HOUR: '1000', RUN_BALIKAN_DELIVERY: 'true' });
    simulator = t.app.get(RegistryConnection).simulator!;
    admin = await t.login('admin', ADMIN_PASSWORD);
    const n = randomUUID().slice(0, 8).toUpperCase();
    await anAgreementInForce(callerOf(t), admin, await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD), { dukcapilNumber: `BK/${n}/D`, dinkesNumber: `BK/${n}/K` });
    const puskesmas = (await thePuskesmasList(callerOf(t), admin)).filter((f) => f.kind === 'PUSKESMAS');
    const enrol = (facilityId: string) => anOperatorAt(reach(t), admin, facilityId, { userId: uniqueUserId('balikan'), password: 'balikan-password-1' });
    ({ operatorId, token: operator } = await enrol(puskesmas[0]!.facilityId));
    otherOperator = (await enrol(puskesmas[1]!.facilityId)).token;
  }, 900_000); // may first wait for the other delivering suite to finish (test/support/delivery-lock.ts)
  afterAll(async () => {
    simulator?.setFault(null, 'BALIKAN');
    await t?.close();
  });

  const lookup = async (nik: string) =>
    (await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik })).body as { accessId: string; verificationToken: string };
  const submit = (body: object, token = operator, key?: string) => {
    const req = t.http().post('/v1/balikan').set(auth(token));
    return (key ? req.set('idempotency-key', key) : req).send(body);
  };
  const status = async (id: string) => (await t.http().get(`/v1/balikan/${id}`).set(auth(operator))).body as { status: string; attempts: number };
  /** A second delivery worker on the app's outbox, as another instance would run one (passes driven by the test unless `periodic`). */
  const aDeliveryWorker = ({ maxAgeMs = 7 * 24 * 3_600_000, periodic = false, intervalMs = 1000 } = {}) =>
    new BalikanDeliveryService(
      t.infra.eventStore,
      t.app.get(BalikanOutbox),
      t.app.get(BalikanClient),
      pino({ level: 'silent' }),
      maxAgeMs,
      periodic,
      60,
      intervalMs,
    );

  it('accepts a balikan at once, delivers it once, keeps no value anywhere, and shows only its status', async () => {
    const nik = simulator.samples.found[0]!;
    const { accessId, verificationToken } = await lookup(nik);
    const res = await submit({ accessId, nik, verificationToken, medicalRecordNumber: 'RM-2025-000871', bloodType: 'O+' }).expect(202);
    expect(res.body).toEqual({ balikanId: expect.any(String), status: 'QUEUED' });
    const id = res.body.balikanId as string;
    await until(async () => (await status(id)).status === 'DELIVERED', { what: 'balikan delivered' });
    expect(simulator.balikan().perReference.get(id)).toBe(1);
    // DELIVERED is recorded first and the sealed row deleted right after, so the delete is awaited, not assumed.
    const rowsLeft = async () => (await t.infra.dataSource.query('SELECT 1 FROM balikan_outbox WHERE balikan_id = $1', [id])).length;
    await until(async () => (await rowsLeft()) === 0, { what: 'sealed outbox row deleted' });
    const shown = JSON.stringify(await status(id));
    const recorded = JSON.stringify((await t.infra.eventStore.readStream(`access-${accessId}`)).map((e) => e.data));
    for (const text of [shown, recorded]) for (const value of ['RM-2025-000871', nik]) expect(text).not.toContain(value);
    expect(recorded).toContain('MEDICAL_RECORD_NUMBER');
  });

  it('keeps trying while the registry is down, then delivers', async () => {
    const nik = simulator.samples.found[1]!;
    const { accessId, verificationToken } = await lookup(nik);
    simulator.setFault({ mode: 'HTTP_5XX', status: 503 }, 'BALIKAN');
    const id = (await submit({ accessId, nik, verificationToken, deathCertificateNumber: 'SKK/474.3/12/2025' }).expect(202)).body.balikanId as string;
    await until(async () => (await status(id)).status === 'FAILED_RETRYING', { what: 'first failure recorded' });
    const sealed: { sealed: string }[] = await t.infra.dataSource.query('SELECT sealed FROM balikan_outbox WHERE balikan_id = $1', [id]);
    expect(sealed[0]!.sealed).not.toContain('SKK/474.3');
    simulator.setFault(null, 'BALIKAN');
    await until(async () => (await status(id)).status === 'DELIVERED', { what: 'delivered after recovery' });
    expect(simulator.balikan().perReference.get(id)).toBe(1);
  }, 30_000);

  it('answers a repeated Idempotency-Key with the same balikan, recording nothing twice', async () => {
    const nik = simulator.samples.found[2]!;
    const { accessId, verificationToken } = await lookup(nik);
    const key = randomUUID();
    const first = await submit({ accessId, nik, verificationToken, bloodType: 'A' }, operator, key).expect(202);
    const second = await submit({ accessId, nik, verificationToken, bloodType: 'A' }, operator, key).expect(202);
    expect(second.body.balikanId).toBe(first.body.balikanId);
    const submitted = (await t.infra.eventStore.readStream(`access-${accessId}`)).filter((e) => e.type === 'BalikanSubmitted');
    expect(submitted).toHaveLength(1);
  });

  it('refuses an Idempotency-Key reused on the same access with other fields with 422 IDEMPOTENCY_KEY_REUSED, recording nothing; other values in the same fields cannot be told apart (never kept)', async () => {
    const nik = simulator.samples.found[3]!;
    const { accessId, verificationToken } = await lookup(nik);
    const key = randomUUID();
    const first = await submit({ accessId, nik, verificationToken, bloodType: 'AB' }, operator, key).expect(202);
    const reused = await submit({ accessId, nik, verificationToken, medicalRecordNumber: 'RM-2025-000999' }, operator, key).expect(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(JSON.stringify(reused.body)).not.toContain('RM-2025-000999');
    const widened = await submit({ accessId, nik, verificationToken, bloodType: 'AB', medicalRecordNumber: 'RM-2025-000999' }, operator, key).expect(422);
    expect(widened.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The documented limit: the same fields with another value are the same balikan (the values are never stored or hashed).
    const sameFields = await submit({ accessId, nik, verificationToken, bloodType: 'B' }, operator, key).expect(202);
    expect(sameFields.body.balikanId).toBe(first.body.balikanId);
    const submitted = (await t.infra.eventStore.readStream(`access-${accessId}`)).filter((e) => e.type === 'BalikanSubmitted');
    expect(submitted).toHaveLength(1);
  });

  const submittedOn = async (accessId: string) =>
    (await t.infra.eventStore.readStream(`access-${accessId}`)).filter((e) => e.type === 'BalikanSubmitted').map((e) => e.data.balikanId as string);

  it('refuses an Idempotency-Key reused on another access with 422 IDEMPOTENCY_KEY_REUSED, recording and holding nothing there; the key still answers 202 on its own access', async () => {
    const nik = simulator.samples.found[4]!;
    const first = await lookup(nik);
    const second = await lookup(nik); // the same person looked up again: another access
    const key = randomUUID();
    const accepted = await submit({ accessId: first.accessId, nik, verificationToken: first.verificationToken, bloodType: 'A' }, operator, key).expect(202);
    const reused = await submit({ accessId: second.accessId, nik, verificationToken: second.verificationToken, bloodType: 'A' }, operator, key).expect(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await submittedOn(second.accessId)).toEqual([]);
    expect(await outboxRows(second.accessId)).toBe(0);
    const again = await submit({ accessId: first.accessId, nik, verificationToken: first.verificationToken, bloodType: 'A' }, operator, key).expect(202);
    expect(again.body.balikanId).toBe(accepted.body.balikanId);
    expect(await submittedOn(first.accessId)).toEqual([accepted.body.balikanId]);
    // A key is the operator's own: another operator's app may make the same UUID for its own balikan.
    const elsewhere = (await t.http().post('/v1/access/nik-lookups').set(auth(otherOperator)).send({ nik })).body;
    await submit({ accessId: elsewhere.accessId, nik, verificationToken: elsewhere.verificationToken, bloodType: 'A' }, otherOperator, key).expect(202);
    // What the key left behind: one claim on its own stream, naming opaque ids only.
    const claims = await t.infra.eventStore.readStream(idempotencyKeyStream(operatorId, key));
    expect(claims.map((e) => [e.type, e.data])).toEqual([['BalikanKeyClaimed', { operatorId, accessId: first.accessId, balikanId: accepted.body.balikanId }]]);
  });

  it('answers two submissions with one Idempotency-Key on two accesses at once with exactly one 202 and one 422 IDEMPOTENCY_KEY_REUSED, every time', async () => {
    const nik = simulator.samples.found[0]!;
    for (let round = 0; round < 6; round++) {
      const accesses = [await lookup(nik), await lookup(nik)];
      const key = randomUUID();
      const answers = await Promise.all(
        accesses.map((a) =>
          submit({ accessId: a.accessId, nik, verificationToken: a.verificationToken, medicalRecordNumber: `RM-RACE-${round}` }, operator, key),
        ),
      );
      expect(answers.map((a) => `${a.status} ${a.body.code ?? a.body.status}`).sort()).toEqual(['202 QUEUED', '422 IDEMPOTENCY_KEY_REUSED']);
      const winner = answers.findIndex((a) => a.status === 202);
      expect(await submittedOn(accesses[winner]!.accessId)).toEqual([answers[winner]!.body.balikanId]);
      expect(await submittedOn(accesses[1 - winner]!.accessId)).toEqual([]);
      expect(await outboxRows(accesses[1 - winner]!.accessId)).toBe(0);
    }
  }, 120_000);

  it('answers any sequence of submissions as "one key = one request" says: a key\'s first use is a new balikan, its repeat on that access with the same fields the same 202, anything else 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const people = [simulator.samples.found[1]!, simulator.samples.deceased[0]!];
    const fields = fc.subarray(['bloodType', 'medicalRecordNumber'] as const, { minLength: 1 });
    const submission = fc.record({ key: fc.option(fc.nat(2), { nil: null }), access: fc.nat(1), fields });
    await fc.assert(
      fc.asyncProperty(fc.array(submission, { minLength: 1, maxLength: 8 }), async (sequence) => {
        const keys = [randomUUID(), randomUUID(), randomUUID()];
        const accesses = await Promise.all(people.map(async (nik) => ({ nik, ...(await lookup(nik)) })));
        const firstUse = new Map<number, { access: number; fields: string; balikanId?: string }>();
        const recorded: string[][] = [[], []];
        for (const { key, access, fields: given } of sequence) {
          const a = accesses[access]!;
          const body = { accessId: a.accessId, nik: a.nik, verificationToken: a.verificationToken, bloodType: 'B', medicalRecordNumber: 'RM-PROP-1' };
          for (const name of ['bloodType', 'medicalRecordNumber'] as const) if (!given.includes(name)) delete body[name];
          const res = await submit(body, operator, key === null ? undefined : keys[key]);
          const fieldsGiven = [...given].sort().join(',');
          const first = key === null ? undefined : firstUse.get(key);
          if (key !== null && first && (first.access !== access || first.fields !== fieldsGiven)) {
            expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
          } else if (first) {
            expect({ status: res.status, balikanId: res.body.balikanId }).toEqual({ status: 202, balikanId: first.balikanId });
          } else {
            expect(res.status).toBe(202);
            expect(recorded.flat()).not.toContain(res.body.balikanId);
            recorded[access]!.push(res.body.balikanId);
            if (key !== null) firstUse.set(key, { access, fields: fieldsGiven, balikanId: res.body.balikanId });
          }
        }
        // Recorded: exactly one balikan per accepted first use (and per submission without a key), on its access.
        for (const [i, a] of accesses.entries()) expect((await submittedOn(a.accessId)).sort()).toEqual([...recorded[i]!].sort());
      }),
      { numRuns: 8 },
    );
  }, 180_000);

  it('gives up on a balikan that could not be delivered in time: purged, and marked ABANDONED', async () => {
    const nik = simulator.samples.found[4]!;
    const { accessId, verificationToken } = await lookup(nik);
    simulator.setFault({ mode: 'DOWN' }, 'BALIKAN');
    try {
      const id = (await submit({ accessId, nik, verificationToken, bloodType: 'B+' }).expect(202)).body.balikanId as string;
      await until(async () => (await status(id)).status === 'FAILED_RETRYING', { what: 'first failure' });
      // A delivery pass for which every waiting balikan is already too old (max age 0), due now.
      await t.infra.dataSource.query('UPDATE balikan_outbox SET next_attempt_at = now(), lease_until = NULL WHERE balikan_id = $1', [id]);
      const expiring = aDeliveryWorker({ maxAgeMs: 0 });
      await until(
        async () => {
          await expiring.deliverDue();
          return (await status(id)).status === 'ABANDONED';
        },
        { what: 'abandoned' },
      );
      expect(await t.infra.dataSource.query('SELECT 1 FROM balikan_outbox WHERE balikan_id = $1', [id])).toEqual([]);
      expect(simulator.balikan().perReference.get(id)).toBeUndefined();
    } finally {
      simulator.setFault(null, 'BALIKAN');
    }
  });

  it('refuses what cannot be sent back, each with its code', async () => {
    const nik = simulator.samples.found[3]!;
    const { accessId, verificationToken } = await lookup(nik);
    const missing = (await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik: simulator.samples.notFound[0] })).body.accessId as string;
    const cases: [object, number, string, string?][] = [
      [{ accessId, nik, verificationToken }, 400, 'BALIKAN_EMPTY'],
      [{ accessId, nik, verificationToken, bloodType: 'Z' }, 400, 'VALIDATION_FAILED'],
      [{ accessId, nik, verificationToken, medicalRecordNumber: '' }, 400, 'VALIDATION_FAILED'],
      [{ accessId, nik, verificationToken, medicalRecordNumber: 'x'.repeat(31) }, 400, 'VALIDATION_FAILED'],
      [{ accessId, nik: '123', verificationToken, bloodType: 'A' }, 400, 'NIK_NOT_16_DIGITS'],
      [{ accessId, nik, bloodType: 'A' }, 400, 'VALIDATION_FAILED'],
      [{ accessId, nik, verificationToken: 'not-a-token', bloodType: 'A' }, 400, 'VERIFICATION_TOKEN_MALFORMED'],
      [{ accessId: randomUUID(), nik, verificationToken, bloodType: 'A' }, 404, 'ACCESS_NOT_FOUND'],
      [{ accessId: missing, nik: simulator.samples.notFound[0], verificationToken, bloodType: 'A' }, 422, 'ACCESS_FOUND_NOBODY'],
      [{ accessId, nik, verificationToken, bloodType: 'A' }, 403, 'FACILITY_SCOPE', 'other'],
    ];
    for (const [body, code, name, who] of cases) {
      const res = await submit(body, who ? otherOperator : operator);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: code, code: name });
    }
    expect((await submit({ accessId, nik, verificationToken, bloodType: 'A' }, operator, 'not-a-uuid')).body.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });

  // ---- Nothing refused reaches the registry; nothing reaches it unrecorded; each accepted one once ----

  /** Delivery passes as fast as they go, as a second instance would run them, while `work` runs. */
  const withDeliveryRacing = async <T>(work: () => Promise<T>): Promise<T> => {
    const worker = aDeliveryWorker();
    let done = false;
    const racing = (async () => {
      while (!done) await worker.deliverDue().catch(() => undefined);
    })();
    try {
      return await work();
    } finally {
      done = true;
      await racing;
    }
  };
  const outboxRows = async (accessId: string) =>
    (await t.infra.dataSource.query('SELECT 1 FROM balikan_outbox WHERE access_id = $1', [accessId])).length as number;
  const denialsOf = async (reason: string) =>
    (
      (await t.infra.dataSource.query(
        `SELECT count(*)::int AS n FROM es_events WHERE type = 'AccessDenied' AND data->>'reason' = $1 AND data->>'operatorId' = $2`,
        [reason, operatorId],
      )) as { n: number }[]
    )[0]!.n;
  /** Room for a loaded machine: delivery passes run one after another. */
  const eventually = { timeoutMs: 90_000, everyMs: 50 };
  const drained = () =>
    until(async () => (await t.infra.dataSource.query('SELECT 1 FROM balikan_outbox')).length === 0, { what: 'outbox drained', ...eventually });

  it('a refused balikan never reaches the registry: forty parallel submissions on an access that found nobody leave no row and send nothing', async () => {
    const missing = (await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik: simulator.samples.notFound[1] })).body.accessId as string;
    const { verificationToken } = await lookup(simulator.samples.found[0]!);
    await drained();
    const before = simulator.balikan().received;
    const keys = Array.from({ length: 40 }, () => randomUUID());
    const answers = await withDeliveryRacing(() =>
      Promise.all(
        keys.map((key) =>
          submit({ accessId: missing, nik: simulator.samples.notFound[1], verificationToken, medicalRecordNumber: 'RM-REFUSED-1' }, operator, key),
        ),
      ),
    );
    expect(new Set(answers.map((a) => `${a.status} ${a.body.code}`))).toEqual(new Set(['422 ACCESS_FOUND_NOBODY']));
    await withDeliveryRacing(async () => undefined); // and a pass after them
    expect(simulator.balikan().received).toBe(before);
    expect(await outboxRows(missing)).toBe(0);
    for (const key of keys) expect(simulator.balikan().perReference.has(balikanIdFor(operatorId, missing, key))).toBe(false);
  }, 180_000);

  it('answers six concurrent submissions with one Idempotency-Key alike: one balikan, recorded once, delivered once', async () => {
    const nik = simulator.samples.found[1]!;
    const { accessId, verificationToken } = await lookup(nik);
    const key = randomUUID();
    const answers = await withDeliveryRacing(() =>
      Promise.all(Array.from({ length: 6 }, () => submit({ accessId, nik, verificationToken, bloodType: 'O-' }, operator, key))),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const id = answers[0]!.body.balikanId as string;
    for (const a of answers) expect(a.body).toEqual({ balikanId: id, status: expect.stringMatching(/^(QUEUED|DELIVERED)$/) });
    const submitted = (await t.infra.eventStore.readStream(`access-${accessId}`)).filter((e) => e.type === 'BalikanSubmitted');
    expect(submitted.map((e) => (e.data as { balikanId: string }).balikanId)).toEqual([id]);
    await until(async () => (await status(id)).status === 'DELIVERED', { what: 'delivered', ...eventually });
    await drained();
    expect(simulator.balikan().perReference.get(id)).toBe(1);
  }, 180_000);

  it('delivers each of many accepted balikan exactly once while delivery runs alongside the submissions', async () => {
    const people = [simulator.samples.found[2]!, simulator.samples.deceased[0]!, simulator.samples.outsideRegency[0]!];
    const accesses = await Promise.all(people.map(async (nik) => ({ nik, ...(await lookup(nik)) })));
    const answers = await withDeliveryRacing(() =>
      Promise.all(
        Array.from({ length: 30 }, (_, i) => accesses[i % 3]!).map((a, i) =>
          submit({ accessId: a.accessId, nik: a.nik, verificationToken: a.verificationToken, medicalRecordNumber: `RM-MANY-${i}` }),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    const ids = answers.map((a) => a.body.balikanId as string);
    await withDeliveryRacing(() =>
      until(async () => (await Promise.all(ids.map(status))).every((s) => s.status === 'DELIVERED'), { what: 'all delivered', ...eventually }),
    );
    await drained();
    expect(ids.map((id) => simulator.balikan().perReference.get(id))).toEqual(ids.map(() => 1));
  }, 180_000);

  it('settles what a submission left half-way: recorded -> delivered once; never recorded -> deleted and never sent', async () => {
    const nik = simulator.samples.found[2]!;
    const { accessId } = await lookup(nik);
    const outbox = t.app.get(BalikanOutbox);
    // The Puskesmas of this access (other suites' balikan share the table, so not just any row's).
    const [access] = await t.infra.eventStore.readStream(`access-${accessId}`);
    const facility = { facility_id: String(access!.data.facilityId) };
    const row = (balikanId: string) => ({ balikanId, accessId, facilityId: facility.facility_id, sealed: outbox.seal(balikanId, { nik, bloodType: 'B-' }) });
    const worker = aDeliveryWorker();
    // Stopped after the append, before the ready mark: the event is there.
    const recorded = randomUUID();
    await outbox.reserve(row(recorded));
    const caller = { operatorId, role: 'PUSKESMAS_OPERATOR' as const, facilityId: facility.facility_id };
    await t.infra.eventStore.appendToStream(`access-${accessId}`, [
      { type: 'BalikanSubmitted', data: { balikanId: recorded, accessId, facilityId: caller.facilityId, operatorId, kinds: ['BLOOD_TYPE'] } },
    ]);
    // Stopped before the append (or the append failed and so did the clean-up): no event.
    const unrecorded = randomUUID();
    await outbox.reserve(row(unrecorded));
    // A ready row with no event (written by an earlier version before its append): never sent either.
    const orphan = randomUUID();
    await outbox.markReady({ ...row(orphan), recorded: true });
    await worker.deliverDue();
    expect(simulator.balikan().perReference.has(recorded)).toBe(false); // not ready yet: younger than the bound
    expect(await worker.sweep(0)).toBeGreaterThanOrEqual(2);
    await until(
      async () => {
        await worker.deliverDue();
        return (await status(recorded)).status === 'DELIVERED';
      },
      { what: 'the recorded one delivered', ...eventually },
    );
    await until(
      async () => (await t.infra.dataSource.query('SELECT 1 FROM balikan_outbox WHERE balikan_id = ANY($1)', [[recorded, unrecorded, orphan]])).length === 0,
      { what: 'all three rows gone', ...eventually },
    );
    expect(simulator.balikan().perReference.get(recorded)).toBe(1);
    expect(simulator.balikan().perReference.has(unrecorded)).toBe(false);
    expect(simulator.balikan().perReference.has(orphan)).toBe(false);
    expect(await t.infra.dataSource.query('SELECT 1 FROM balikan_index WHERE balikan_id = $1', [unrecorded])).toEqual([]);
  }, 180_000);

  // ---- A balikan is about the person that was looked up ----

  it('an operator cannot send a balikan for another NIK: refused, recorded, and nothing reaches the registry', async () => {
    const a = simulator.samples.found[3]!;
    const b = simulator.samples.found[4]!;
    const { accessId, verificationToken } = await lookup(a);
    await drained();
    const before = { received: simulator.balikan().received, denials: await denialsOf('NIK_DOES_NOT_MATCH_ACCESS') };
    const res = await withDeliveryRacing(() => submit({ accessId, nik: b, verificationToken, deathCertificateNumber: 'SKK/FORGED/1' }));
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'NIK_DOES_NOT_MATCH_ACCESS' });
    expect(JSON.stringify(res.body)).not.toContain(b);
    expect(await denialsOf('NIK_DOES_NOT_MATCH_ACCESS')).toBe(before.denials + 1);
    expect(simulator.balikan().received).toBe(before.received);
    expect(await outboxRows(accessId)).toBe(0);
  }, 180_000);

  it('refuses a forged token, and the token of another access, with the same code', async () => {
    const a = simulator.samples.deceased[1]!;
    const { accessId } = await lookup(a);
    const other = await lookup(a); // the same person, looked up again: its token is for that other access
    const forged = Buffer.alloc(32, 1).toString('base64url');
    const before = await denialsOf('NIK_DOES_NOT_MATCH_ACCESS');
    for (const verificationToken of [forged, other.verificationToken]) {
      const res = await submit({ accessId, nik: a, verificationToken, bloodType: 'A+' });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'NIK_DOES_NOT_MATCH_ACCESS' });
    }
    expect(await denialsOf('NIK_DOES_NOT_MATCH_ACCESS')).toBe(before + 2);
    expect(await outboxRows(accessId)).toBe(0);
  });

  it('keeps no trace of the verification token in any table or event', async () => {
    const nik = simulator.samples.found[0]!;
    const { accessId, verificationToken } = await lookup(nik);
    await submit({ accessId, nik, verificationToken, bloodType: 'AB+' }).expect(202);
    await submit({ accessId, nik: simulator.samples.found[1]!, verificationToken, bloodType: 'AB+' }).expect(422);
    const forms = [
      verificationToken,
      Buffer.from(verificationToken, 'base64url').toString('hex'),
      Buffer.from(verificationToken, 'base64url').toString('base64'),
    ];
    const tables: { table_name: string }[] = await t.infra.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const { table_name } of tables) {
      const [{ n }] = await t.infra.dataSource.query(
        `SELECT count(*)::int AS n FROM "${table_name}" r WHERE ${forms.map((_, i) => `strpos(r::text, $${i + 1}) > 0`).join(' OR ')}`,
        forms,
      );
      expect({ table: table_name, holds: n }).toEqual({ table: table_name, holds: 0 });
    }
  });

  // ---- Woken by the stored event ----

  // Last in this suite: it stops the application's own worker, whose periodic pass would deliver anyway.
  it('sends a balikan as soon as its submission is recorded, without waiting for the next periodic pass', async () => {
    await t.app.get(BalikanDeliveryService).onApplicationShutdown();
    await drained();
    // One periodic pass an hour: within the wait below, only the wake on the stored BalikanSubmitted can send it.
    const worker = aDeliveryWorker({ periodic: true, intervalMs: 3_600_000 });
    const waker = new WakeBalikanDelivery(worker);
    const unsubscribe = t.infra.eventStore.onStored((appended) => waker.handle(appended));
    try {
      for (const nik of [simulator.samples.found[3]!, simulator.samples.deceased[0]!]) {
        const { accessId, verificationToken } = await lookup(nik);
        const id = (await submit({ accessId, nik, verificationToken, medicalRecordNumber: 'RM-WAKE-1' }).expect(202)).body.balikanId as string;
        await until(async () => (await status(id)).status === 'DELIVERED', { what: 'delivered on the wake' });
        expect(simulator.balikan().perReference.get(id)).toBe(1);
      }
    } finally {
      unsubscribe();
      await worker.onApplicationShutdown();
    }
  });
});
