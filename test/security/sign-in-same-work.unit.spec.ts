import fc from 'fast-check';
import { randomBytes, randomUUID } from 'node:crypto';
import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import type { EventStore } from '../../src/infrastructure/event-store/event-store.port';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import { InMemoryEventStoreAdapter } from '../../src/infrastructure/event-store/in-memory/in-memory-event-store.adapter';
import type { Infrastructure } from '../../src/infrastructure/infrastructure';
import { Refusal } from '../../src/infrastructure/refusal';
import * as passwords from '../../src/infrastructure/security/passwords';
import { eventCatalogue } from '../../src/composition/event-catalogue';
import type { AccessMetrics } from '../../src/modules/access/access.metrics';
import { SignIn } from '../../src/modules/access/auth/auth.commands';
import { SignInHandler } from '../../src/modules/access/auth/auth.handlers';
import { SignInAdmission } from '../../src/modules/access/auth/sign-in-admission';
import type { OperatorAccounts } from '../../src/modules/access/operators/accounts';
import { LOCKOUT_FAILURES, operatorStream } from '../../src/modules/access/operators/operator';
import type { AuditSigner } from '../../src/modules/audit/audit-signer';

// The real password functions, watched: every verification is seen with the hash and password it was given.
jest.mock('../../src/infrastructure/security/passwords', () => {
  const actual = jest.requireActual('../../src/infrastructure/security/passwords');
  return { ...actual, verifyPassword: jest.fn(actual.verifyPassword) };
});
const verifyPassword = passwords.verifyPassword as jest.MockedFunction<typeof passwords.verifyPassword>;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PASSWORD = 'loket-jaten-password-1';

/**
 * Everything a sign-in costs that an attacker could time, as a list: each round trip to the event store
 * (through the EventStore port: method, stream kind, options, event types appended), each call to the
 * accounts table, each password verification (the hash's algorithm and parameters, its salt and digest
 * lengths, whether the caller's password was the one checked) and each lockout counted.
 */
type Work = string[];

/** The handler as the service builds it, on an in-memory event store and an accounts table in memory. */
function signInRig() {
  let work: Work = [];
  const inner = new GuardedEventStore(new InMemoryEventStoreAdapter(), new EventSchemas(eventCatalogue));
  const kind = (streamId: string) => streamId.replace(UUID, ':id');
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'readStream')
        return (streamId: string, options?: unknown) => {
          work.push(`store.readStream ${kind(streamId)} ${JSON.stringify(options ?? {}, (_, v) => (typeof v === 'bigint' ? 'revision' : v))}`);
          return target.readStream(streamId, options as never);
        };
      if (property === 'appendToStream')
        return (streamId: string, events: { type: string }[], options?: unknown) => {
          work.push(`store.appendToStream ${kind(streamId)} ${events.map((e) => e.type).join(',')} ${JSON.stringify(Object.keys(options ?? {}))}`);
          return target.appendToStream(streamId, events as never, options as never);
        };
      const value = Reflect.get(target, property, receiver);
      if (typeof value === 'function' && !['constructor'].includes(String(property))) {
        return (...args: unknown[]) => {
          work.push(`store.${String(property)}`); // any other round trip counts too
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  }) as EventStore;
  const accountsByUserId = new Map<string, { operatorId: string; passwordHash: string }>();
  const accounts = {
    byUserId: async (userId: string) => {
      work.push('accounts.byUserId');
      return accountsByUserId.get(userId);
    },
    openSession: async () => {
      work.push('accounts.openSession');
      return randomBytes(32).toString('base64url');
    },
  } as unknown as OperatorAccounts;
  const metrics = { lockout: () => work.push('metrics.lockout') } as unknown as AccessMetrics;
  const infra = { config: { tokenTtlSeconds: 900 } } as unknown as Infrastructure;
  const auditKey = randomBytes(32);
  const signer = (() => ({ deriveSecret: () => auditKey })) as unknown as AuditSigner;
  const handler = new SignInHandler(store, accounts, infra, metrics, signer, new SignInAdmission(1_000_000, 1_000));

  return {
    store: inner,
    /** An enrolled Puskesmas operator whose password hash was made by the real hashPassword. */
    async enrol(userId: string, passwordHash: string) {
      const operatorId = randomUUID();
      await inner.appendToStream(operatorStream(operatorId), [
        { type: 'OperatorEnrolled', data: { operatorId, facilityId: randomUUID(), role: 'PUSKESMAS_OPERATOR', actorId: randomUUID() } },
      ]);
      accountsByUserId.set(userId, { operatorId, passwordHash });
      return operatorId;
    },
    /** Signs in and hands back its answer (the refusal's status, code and message) and its work. */
    async signIn(userId: string, password: string) {
      work = [];
      verifyPassword.mockClear();
      const hashingsBefore = passwords.hashingsComputed();
      const answer = await handler.execute(new SignIn(userId, password, '127.0.0.1', randomUUID())).then(
        (signedIn) => ({ signedIn: signedIn.role }),
        (error: unknown) => {
          if (error instanceof Refusal) return { status: error.status, code: error.code, message: error.message };
          throw error;
        },
      );
      for (const [hash, checked] of verifyPassword.mock.calls)
        work.push(`verifyPassword ${shapeOf(hash)} ${checked === password ? "the caller's password" : 'another password'}`);
      work.push(`hashings ${passwords.hashingsComputed() - hashingsBefore}`);
      return { answer, work };
    },
  };
}

/** What a PHC-format argon2 hash tells of the work to verify it: all but the salt's and digest's values. */
function shapeOf(hash: string): string {
  const [, algorithm, version, parameters, salt, digest] = hash.split('$');
  return `$${algorithm}$${version}$${parameters}$<salt ${salt?.length}>$<digest ${digest?.length}>`;
}

const userIds = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{2,39}$/);
const wrongPasswords = fc.string({ minLength: 1, maxLength: 64 }).filter((p) => p !== PASSWORD);

/**
 * No user enumeration by timing (Pasal 3(1)(c)), proven by structure: a refused sign-in for a user id
 * without an account does the same work as one for a real account, step by step, whatever the machine's load.
 * Each test runs the real argon2 (one verification per sign-in, a few dozen in all).
 */
describe('A refused sign-in does the same work whether or not the user id exists', () => {
  let realHash: string;
  beforeAll(async () => {
    realHash = await passwords.hashPassword(PASSWORD);
  });

  it('a wrong password for a user id that exists and one for a user id that does not take the same store round trips, the same verification and the same answer', async () => {
    await fc.assert(
      fc.asyncProperty(userIds, userIds, wrongPasswords, async (knownUserId, unknownUserId, wrongPassword) => {
        fc.pre(knownUserId !== unknownUserId);
        const rig = signInRig();
        await rig.enrol(knownUserId, realHash);
        const known = await rig.signIn(knownUserId, wrongPassword);
        const unknown = await rig.signIn(unknownUserId, wrongPassword);
        expect(known.answer).toEqual({ status: 401, code: 'LOGIN_FAILED', message: 'Unknown user id or wrong password.' });
        expect(unknown.answer).toEqual(known.answer);
        expect(unknown.work).toEqual(known.work);
        // The list holds the work itself: reads, an appended attempt, one argon2id verification at the accounts' cost.
        expect(known.work).toEqual(
          expect.arrayContaining([
            'accounts.byUserId',
            expect.stringMatching(/^store\.appendToStream signin-:id OperatorSignInAttempted /),
            `verifyPassword ${shapeOf(realHash)} the caller's password`,
            'hashings 1',
          ]),
        );
        expect(known.work.filter((w) => w.startsWith('store.readStream')).length).toBeGreaterThanOrEqual(3);
      }),
      { numRuns: 8 },
    );
  });

  it("the hash an unknown user id is checked against is made like every account's: argon2id, the same memory, passes and lanes, the same salt and digest lengths", async () => {
    const nothing = await passwords.hashOfNothing();
    expect(shapeOf(nothing)).toBe(shapeOf(realHash));
    expect(shapeOf(realHash)).toMatch(/^\$argon2id\$v=19\$m=47104,p=1,t=1\$<salt \d+>\$<digest \d+>$/);
    expect(nothing).not.toBe(realHash);
  });

  it('a user id that does not exist locks out like one that does: after five wrong passwords the same lockout is recorded, and the sixth try is refused before any hashing, alike', async () => {
    const rig = signInRig();
    const knownUserId = 'pkm.jaten1.loket2';
    const operatorId = await rig.enrol(knownUserId, realHash);
    const unknownUserId = 'pkm.jaten1.loket9';
    for (let i = 1; i <= LOCKOUT_FAILURES; i++) {
      const known = await rig.signIn(knownUserId, `wrong-password-${i}`);
      const unknown = await rig.signIn(unknownUserId, `wrong-password-${i}`);
      expect(unknown).toEqual(known);
      expect(known.work.includes('metrics.lockout')).toBe(i === LOCKOUT_FAILURES);
    }
    const known = await rig.signIn(knownUserId, PASSWORD);
    const unknown = await rig.signIn(unknownUserId, PASSWORD);
    expect(known.answer).toMatchObject({ status: 403, code: 'ACCOUNT_LOCKED' });
    expect(unknown).toEqual(known);
    expect(known.work).toContain('hashings 0');
    // Both sign-in streams hold the same events: five attempts, then the lockout.
    const signInStreams = (await rig.store.readAll({ maxCount: 10_000 })).filter((e) => e.streamId.startsWith('signin-'));
    const byStream = new Map<string, string[]>();
    for (const e of signInStreams) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.type]);
    expect([...byStream.keys()]).toContain(`signin-${operatorId}`);
    expect([...byStream.values()]).toEqual([
      [...Array(LOCKOUT_FAILURES).fill('OperatorSignInAttempted'), 'OperatorLockedOut'],
      [...Array(LOCKOUT_FAILURES).fill('OperatorSignInAttempted'), 'OperatorLockedOut'],
    ]);
  });

  it("the right password still signs in (the known path really checks the account's hash)", async () => {
    const rig = signInRig();
    await rig.enrol('pkm.ngargoyoso.loket1', realHash);
    const { answer, work } = await rig.signIn('pkm.ngargoyoso.loket1', PASSWORD);
    expect(answer).toEqual({ signedIn: 'PUSKESMAS_OPERATOR' });
    expect(work).toContain('accounts.openSession');
  });
});
