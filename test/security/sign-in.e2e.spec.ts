import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { START, type EventStore } from '../../src/infrastructure/event-store/event-store.port';
import { hashingsComputed } from '../../src/infrastructure/security/passwords';
import { OperatorAccounts } from '../../src/modules/access/operators/accounts';
import { LOCKOUT_DURATION_MS, LOCKOUT_FAILURES } from '../../src/modules/access/operators/operator';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { thePuskesmasList } from '../support/fixtures';
import { until } from '../support/until';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';
import { changedPassword } from '../support/gateway-client';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** A POST over a real socket from a chosen loopback address (127.0.0.2 is another Puskesmas). */
function postFrom(port: number, localAddress: string, path: string, body: unknown): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Sign-in under load and misuse: one path for every user id, a bounded queue and a
 * per-address limit, unlocking, signing out, the password policy and the change owed at first sign-in.
 */
describe('Signing in holds under load and misuse', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  /** The seeded Disdukcapil auditor: Disdukcapil's accounts are enrolled by Disdukcapil. */
  let dukcapil: string;
  let puskesmas: string;

  beforeAll(async () => {
    t = await startApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    dukcapil = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    adminId = (await t.http().post('/v1/auth/login').send({ userId: 'admin', password: ADMIN_PASSWORD })).body.operatorId;
    await thePuskesmasList(callerOf(t), admin);
    puskesmas = ((await t.http().get('/v1/facilities').set(auth(admin))).body as { facilityId: string; kind: string }[]).find(
      (f) => f.kind === 'PUSKESMAS',
    )!.facilityId;
  });
  afterAll(async () => t?.close());

  const enrol = async (role = 'PUSKESMAS_OPERATOR', password = 'loket-password-1') => {
    const userId = uniqueUserId('signin');
    const by = role === 'DUKCAPIL_AUDITOR' || role === 'BUPATI_OFFICE' ? dukcapil : admin;
    const res = await t
      .http()
      .post('/v1/operators')
      .set(auth(by))
      .send({ userId, password, role, ...(role === 'PUSKESMAS_OPERATOR' ? { facilityId: puskesmas } : {}) });
    expect(res.status).toBe(201);
    return { userId, operatorId: res.body.operatorId as string, password };
  };
  const login = (userId: string, password: string) => t.http().post('/v1/auth/login').send({ userId, password });
  const signInStreamOf = async (operatorId: string) => (await t.infra.eventStore.readStream(`signin-${operatorId}`)).map((e) => e.type);

  /** Every read and append of the store, every call to the accounts table, every hashing, during `work`. */
  async function workOf(work: () => Promise<unknown>) {
    const store = t.infra.eventStore as EventStore;
    const accounts = t.app.get(OperatorAccounts);
    const calls: string[] = [];
    const streams = new Set<string>();
    const restore: (() => void)[] = [];
    for (const method of ['readStream', 'appendToStream'] as const) {
      const original = store[method].bind(store) as (...args: any[]) => Promise<any>;
      (store as any)[method] = (streamId: string, ...rest: unknown[]) => {
        streams.add(streamId);
        calls.push(`${method} ${streamId.replace(UUID, ':id')}`);
        return original(streamId, ...rest);
      };
      restore.push(() => ((store as any)[method] = original));
    }
    for (const method of ['byUserId', 'userIdOf', 'verify', 'openSession', 'session', 'setPassword'] as const) {
      if (typeof (accounts as any)[method] !== 'function') continue;
      const original = (accounts as any)[method].bind(accounts);
      (accounts as any)[method] = (...args: unknown[]) => {
        calls.push(`accounts.${method}`);
        return original(...args);
      };
      restore.push(() => ((accounts as any)[method] = original));
    }
    const hashingsBefore = hashingsComputed();
    try {
      const result = await work();
      return { calls, streams, hashings: hashingsComputed() - hashingsBefore, result };
    } finally {
      for (const undo of restore) undo();
    }
  }

  it('an unknown user id takes the same path as a known one: the same reads, appends and hashings, in the same order', async () => {
    const known = await enrol();
    const knownWork = await workOf(() => login(known.userId, 'not-the-password-1'));
    const unknownUserId = uniqueUserId('nobody');
    const unknownWork = await workOf(() => login(unknownUserId, 'not-the-password-1'));
    expect((knownWork.result as { body: unknown }).body).toEqual((unknownWork.result as { body: unknown }).body);
    expect(knownWork.calls.length).toBeGreaterThanOrEqual(4);
    expect(unknownWork.calls).toEqual(knownWork.calls);
    expect(knownWork.hashings).toBe(1);
    expect(unknownWork.hashings).toBe(knownWork.hashings);
    // The unknown id's attempts are stored under a pseudonymous operator id; the user id itself is in no event.
    const [pseudonymous] = [...unknownWork.streams].filter((s) => s.startsWith('signin-'));
    const events = await t.infra.eventStore.readStream(pseudonymous!);
    expect(events.map((e) => e.type)).toEqual(['OperatorSignInAttempted']);
    expect(JSON.stringify(events, (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(unknownUserId);
  });

  it('an unknown user id locks out exactly like a known one: five failures lock it for 15 minutes, and a restart does not forget it', async () => {
    const known = await enrol();
    const unknownUserId = uniqueUserId('nobody');
    const streams: Record<string, Set<string>> = {};
    for (const userId of [known.userId, unknownUserId]) {
      for (let i = 0; i < LOCKOUT_FAILURES; i++) {
        const { result, streams: touched } = await workOf(() => login(userId, `wrong-password-${i}`));
        expect((result as { body: { code: string } }).body.code).toBe('LOGIN_FAILED');
        streams[userId] = touched;
      }
      expect((await login(userId, 'loket-password-1')).body.code).toBe('ACCOUNT_LOCKED');
    }
    const signInOf = (userId: string) => [...streams[userId]!].find((s) => s.startsWith('signin-'))!;
    const [knownEvents, unknownEvents] = await Promise.all([known.userId, unknownUserId].map((u) => t.infra.eventStore.readStream(signInOf(u))));
    expect(unknownEvents!.map((e) => e.type)).toEqual(knownEvents!.map((e) => e.type));
    expect(knownEvents!.map((e) => e.type)).toEqual([...Array(LOCKOUT_FAILURES).fill('OperatorSignInAttempted'), 'OperatorLockedOut']);
    for (const events of [knownEvents!, unknownEvents!]) {
      const lockout = events.at(-1)!;
      expect(Date.parse((lockout.data as { until: string }).until) - lockout.occurredAt.getTime()).toBe(LOCKOUT_DURATION_MS);
    }
    // Another start of the service (a restart, or a second instance): both stay locked.
    const again = await startApp();
    try {
      for (const userId of [known.userId, unknownUserId])
        expect((await again.http().post('/v1/auth/login').send({ userId, password: 'any-password-12' })).body.code).toBe('ACCOUNT_LOCKED');
    } finally {
      await again.close();
    }
  });

  it("a flood of sign-ins from one address cannot slow another Puskesmas's sign-in: past 10 a minute it is answered 429 at once, without hashing", async () => {
    const limited = await startApp({ SIGN_IN_ATTEMPTS_PER_MINUTE: '10' });
    try {
      await limited.app.listen(0, '127.0.0.1');
      const { port } = limited.app.getHttpServer().address() as AddressInfo;
      const clerk = await enrol();
      const before = hashingsComputed();
      const flood = Array.from({ length: 60 }, (_, i) =>
        postFrom(port, '127.0.0.1', '/v1/auth/login', { userId: `nobody.flood.${i}`, password: 'not-the-password-1' }),
      );
      // While the flood is in flight, a clerk of another Puskesmas (another address) signs in.
      const other = await postFrom(port, '127.0.0.2', '/v1/auth/login', { userId: clerk.userId, password: clerk.password });
      const answers = await Promise.all(flood);
      expect(other.status).toBe(200);
      expect(other.body.accessToken).toEqual(expect.any(String));
      const limitedAnswers = answers.filter((a) => a.status === 429);
      expect(limitedAnswers).toHaveLength(50);
      for (const a of limitedAnswers) {
        expect(a.body.code).toBe('SIGN_IN_RATE_LIMITED');
        expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(answers.filter((a) => a.status !== 429).map((a) => a.body.code)).toEqual(Array(10).fill('LOGIN_FAILED'));
      expect(hashingsComputed() - before).toBe(11); // the ten admitted guesses and the clerk: none for the refused fifty
    } finally {
      await limited.close();
    }
  });

  it('past the bound of waiting sign-ins, a sign-in is answered 503 SIGN_IN_BUSY at once, without hashing', async () => {
    const small = await startApp({ SIGN_IN_MAX_WAITING: '2' });
    try {
      const before = hashingsComputed();
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          small
            .http()
            .post('/v1/auth/login')
            .send({ userId: `nobody.busy.${i}`, password: 'not-the-password-1' }),
        ),
      );
      const busy = answers.filter((a) => a.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      for (const a of busy) {
        expect(a.body.code).toBe('SIGN_IN_BUSY');
        expect(a.headers['retry-after']).toBe('1');
      }
      expect(answers.filter((a) => a.status !== 503).every((a) => a.body.code === 'LOGIN_FAILED')).toBe(true);
      expect(hashingsComputed() - before).toBe(30 - busy.length);
    } finally {
      await small.close();
    }
  });

  it('an administrator unlocks a locked account, recorded with their operator id; the other party may not', async () => {
    const clerk = await enrol();
    await t.login(clerk.userId, clerk.password); // the first change, so the clerk's password is changedPassword(...)
    for (let i = 0; i < LOCKOUT_FAILURES; i++) await login(clerk.userId, `wrong-password-${i}`);
    expect((await login(clerk.userId, changedPassword(clerk.password))).body.code).toBe('ACCOUNT_LOCKED');

    const auditor = await enrol('DUKCAPIL_AUDITOR', 'dukcapil-password-1');
    const auditorToken = await t.login(auditor.userId, auditor.password);
    const overreach = await t.http().post(`/v1/operators/${clerk.operatorId}/unlock`).set(auth(auditorToken));
    expect(overreach.status).toBe(403);
    expect(overreach.body.code).toBe('OTHER_PARTYS_ACCOUNT');
    const operatorToken = await t.login((await enrol()).userId, 'loket-password-1');
    expect((await t.http().post(`/v1/operators/${clerk.operatorId}/unlock`).set(auth(operatorToken))).body.code).toBe('ROLE_NOT_ALLOWED');
    expect((await login(clerk.userId, changedPassword(clerk.password))).body.code).toBe('ACCOUNT_LOCKED');

    const unlocked = await t.http().post(`/v1/operators/${clerk.operatorId}/unlock`).set(auth(admin));
    expect(unlocked.status).toBe(201);
    expect((await login(clerk.userId, changedPassword(clerk.password))).status).toBe(200);
    const [event] = (await t.infra.eventStore.readStream(`signin-${clerk.operatorId}`)).filter((e) => e.type === 'OperatorUnlocked');
    expect(event!.data).toEqual({ operatorId: clerk.operatorId, actorId: adminId, by: 'UNLOCK' });
    expect((await t.http().post(`/v1/operators/${clerk.operatorId}/unlock`).set(auth(admin))).body.code).toBe('ACCOUNT_NOT_LOCKED');

    // Nor may Dinkes unlock Disdukcapil's auditor.
    for (let i = 0; i < LOCKOUT_FAILURES; i++) await login(auditor.userId, `wrong-password-${i}`);
    expect((await t.http().post(`/v1/operators/${auditor.operatorId}/unlock`).set(auth(admin))).body.code).toBe('OTHER_PARTYS_ACCOUNT');
    const another = await enrol('DUKCAPIL_AUDITOR', 'dukcapil-password-2');
    expect(
      (
        await t
          .http()
          .post(`/v1/operators/${auditor.operatorId}/unlock`)
          .set(auth(await t.login(another.userId, another.password)))
      ).status,
    ).toBe(201);
    await until(
      async () =>
        ((await t.http().get('/v1/operators').set(auth(admin))).body as { operatorId: string; lockedUntil: string | null }[]).some(
          (o) => o.operatorId === clerk.operatorId && o.lockedUntil === null,
        ),
      { what: 'lockout lifted in the register' },
    );
  });

  it('a password reset by an administrator also lifts a lockout, and its new password must be changed at first sign-in', async () => {
    const clerk = await enrol();
    for (let i = 0; i < LOCKOUT_FAILURES; i++) await login(clerk.userId, `wrong-password-${i}`);
    expect((await login(clerk.userId, clerk.password)).body.code).toBe('ACCOUNT_LOCKED');
    await t.http().post(`/v1/operators/${clerk.operatorId}/password`).set(auth(admin)).send({ newPassword: 'reset-by-dinkes-1' }).expect(201);
    const signedIn = await login(clerk.userId, 'reset-by-dinkes-1');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.mustChangePassword).toBe(true);
    expect((await signInStreamOf(clerk.operatorId)).filter((type) => type === 'OperatorUnlocked')).toHaveLength(1);
  });

  it('a signed-out token is refused at once, and the sign-out is recorded', async () => {
    const clerk = await enrol('DUKCAPIL_AUDITOR', 'dukcapil-password-1');
    const token = await t.login(clerk.userId, clerk.password);
    const other = await t.login(clerk.userId, clerk.password); // a second session of the same person stays
    await t.http().get('/v1/facilities').set(auth(token)).expect(200);
    await t.http().post('/v1/auth/logout').set(auth(token)).expect(204);
    const refused = await t.http().get('/v1/facilities').set(auth(token));
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('TOKEN_INVALID_OR_EXPIRED');
    expect((await t.http().post('/v1/auth/logout').set(auth(token))).status).toBe(401);
    await t.http().get('/v1/facilities').set(auth(other)).expect(200);
    expect((await t.infra.eventStore.readStream(`signout-${clerk.operatorId}`)).map((e) => e.type)).toEqual(['OperatorLoggedOut']);
    expect(await signInStreamOf(clerk.operatorId)).not.toContain('OperatorLoggedOut'); // a lockout's window is not pushed out by sign-outs
  });

  it('a password an administrator set must be changed at first sign-in: until then the session can only change it or sign out', async () => {
    const clerk = await enrol('DUKCAPIL_AUDITOR', 'dukcapil-password-1');
    const first = await login(clerk.userId, clerk.password);
    expect(first.body.mustChangePassword).toBe(true);
    const token = first.body.accessToken as string;
    for (const [method, path] of [
      ['get', '/v1/facilities'],
      ['get', '/v1/compliance/refusals'],
      ['get', '/v1/agreements'],
    ] as const) {
      const res = await t.http()[method](path).set(auth(token)).send({});
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
    }
    const same = await t
      .http()
      .post(`/v1/operators/${clerk.operatorId}/password`)
      .set(auth(token))
      .send({ currentPassword: clerk.password, newPassword: clerk.password });
    expect(same.body.code).toBe('PASSWORD_UNCHANGED');
    await t
      .http()
      .post(`/v1/operators/${clerk.operatorId}/password`)
      .set(auth(token))
      .send({ currentPassword: clerk.password, newPassword: 'my-own-password-1' })
      .expect(201);
    await t.http().get('/v1/facilities').set(auth(token)).expect(200); // the same session goes on
    expect((await login(clerk.userId, 'my-own-password-1')).body.mustChangePassword).toBe(false);

    // An administrator who owes a change may not reset anyone else's password meanwhile.
    const newAdmin = uniqueUserId('admin2');
    await t
      .http()
      .post('/v1/operators')
      .set(auth(admin))
      .send({
        userId: newAdmin,
        password: 'second-dinkes-pw-1',
        role: 'DINKES_ADMIN',
        facilityId: (await t.http().get('/v1/facilities').set(auth(admin))).body.find((f: { kind: string }) => f.kind === 'DINKES').facilityId,
      })
      .expect(201);
    const adminFirst = await login(newAdmin, 'second-dinkes-pw-1');
    const reset = await t
      .http()
      .post(`/v1/operators/${clerk.operatorId}/password`)
      .set(auth(adminFirst.body.accessToken))
      .send({ newPassword: 'another-reset-pw-1' });
    expect(reset.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    await t.http().post('/v1/auth/logout').set(auth(adminFirst.body.accessToken)).expect(204);
  });

  it('refuses a common password, one holding the user id, and one character repeated, wherever a password is set', async () => {
    const userId = uniqueUserId('policy');
    const enrolWith = (password: string) =>
      t.http().post('/v1/operators').set(auth(admin)).send({ userId, password, role: 'PUSKESMAS_OPERATOR', facilityId: puskesmas });
    expect((await enrolWith('qwertyuiop123')).body.code).toBe('PASSWORD_TOO_COMMON');
    expect((await enrolWith(`My-${userId.toUpperCase()}-pw`)).body.code).toBe('PASSWORD_CONTAINS_USER_ID');
    expect((await enrolWith('aaaaaaaaaaaaaaaa')).body.code).toBe('PASSWORD_REPEATED_CHARACTER');
    expect((await enrolWith('aaaaaaaaaaaaaaaa')).status).toBe(400);

    const clerk = await enrol();
    const token = await t.login(clerk.userId, clerk.password);
    const own = (newPassword: string) =>
      t
        .http()
        .post(`/v1/operators/${clerk.operatorId}/password`)
        .set(auth(token))
        .send({ currentPassword: changedPassword(clerk.password), newPassword });
    expect((await own('1q2w3e4r5t6y')).body.code).toBe('PASSWORD_TOO_COMMON');
    expect((await own(`x${clerk.userId}x`)).body.code).toBe('PASSWORD_CONTAINS_USER_ID');
    expect((await own('7777777777777')).body.code).toBe('PASSWORD_REPEATED_CHARACTER');
    const reset = (newPassword: string) => t.http().post(`/v1/operators/${clerk.operatorId}/password`).set(auth(admin)).send({ newPassword });
    expect((await reset('leavemealone2024')).body.code).toBe('PASSWORD_TOO_COMMON');
    expect((await reset('zzzzzzzzzzzzzzzzzzzz')).body.code).toBe('PASSWORD_REPEATED_CHARACTER');
    // Nothing of the refused attempts was recorded as a change.
    const changes = (await t.infra.eventStore.readAll({ after: START, maxCount: 1_000_000 })).filter(
      (e) => e.type === 'OperatorPasswordChanged' && e.data.operatorId === clerk.operatorId,
    );
    expect(changes.map((e) => e.data.by)).toEqual(['SELF']);
  });
});
