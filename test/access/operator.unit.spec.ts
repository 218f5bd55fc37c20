import fc from 'fast-check';
import type { Facility } from '../../src/modules/access/facilities/facility';
import {
  SIGN_IN_TAIL,
  administers,
  hostActor,
  isLockedOut,
  operatorDecider,
  rosterDecider,
  signInDecider,
  type OperatorCommand,
} from '../../src/modules/access/operators/operator';
import { ROLES, type Role } from '../../src/modules/access/operators/operator.events';
import { deciderSpec, type GivenEvent } from '../support/decider-spec';

const operatorId = '0b6f4a52-3c1d-4e8f-9a7b-1c2d3e4f5a6b';
const DINKES_ADMIN = { actorId: '1c7a5b63-4d2e-4f90-8b8c-2d3e4f5a6b7c', role: 'DINKES_ADMIN' };
const DUKCAPIL_AUDITOR = { actorId: '2d8b6c74-5e3f-4a01-9c9d-3e4f5a6b7c8d', role: 'DUKCAPIL_AUDITOR' };
const PUSKESMAS_OPERATOR = { actorId: '3e9c7d85-6f40-4b12-8dae-4f5a6b7c8d9e', role: 'PUSKESMAS_OPERATOR' };
const BUPATI_OFFICE = { actorId: '4fad8e96-7051-4c23-9ebf-5a6b7c8d9eaf', role: 'BUPATI_OFFICE' };
const puskesmas: Facility = {
  facilityId: '5a1b2c3d-4e5f-4a6b-8c7d-000000000001',
  kind: 'PUSKESMAS',
  code: 'PKM-JATEN',
  name: 'Puskesmas Jaten',
  kecamatanCode: '331305',
};
const dinkes: Facility = {
  facilityId: '5a1b2c3d-4e5f-4a6b-8c7d-000000000002',
  kind: 'DINKES',
  code: 'DINKES-3313',
  name: 'Dinas Kesehatan',
  kecamatanCode: '331309',
};

const account = deciderSpec(operatorDecider);
const enrolledAs = (role: Role): GivenEvent => ({ type: 'OperatorEnrolled', data: { operatorId, role, actorId: 'SEED' } });
const revoked: GivenEvent = { type: 'OperatorRevoked', data: { operatorId, actorId: DINKES_ADMIN.actorId } };
const suspended: GivenEvent = { type: 'OperatorSuspended', data: { operatorId, actorId: DINKES_ADMIN.actorId } };
const passwordChanged = (by: 'SELF' | 'ADMIN'): GivenEvent => ({ type: 'OperatorPasswordChanged', data: { operatorId, by, actorId: DINKES_ADMIN.actorId } });

type Actor = { actorId: string; role: string };
const enrol = (actor: Actor, role: Role, more: Partial<Extract<OperatorCommand, { kind: 'enrol' }>> = {}): OperatorCommand => ({
  kind: 'enrol',
  operatorId,
  role,
  facilityId: role === 'PUSKESMAS_OPERATOR' ? puskesmas.facilityId : role === 'DINKES_ADMIN' ? dinkes.facilityId : null,
  facility: role === 'PUSKESMAS_OPERATOR' ? puskesmas : role === 'DINKES_ADMIN' ? dinkes : null,
  passwordProblem: null,
  actor,
  ...more,
});
const reset = (actor: Actor, more: { actorOwesPasswordChange?: boolean; passwordProblem?: 'PASSWORD_TOO_COMMON' } = {}): OperatorCommand => ({
  kind: 'changePassword',
  by: 'ADMIN',
  actor,
  actorOwesPasswordChange: false,
  passwordProblem: null,
  ...more,
});
const ownChange = (
  more: { currentPasswordRight?: boolean; unchanged?: boolean; passwordProblem?: 'PASSWORD_TOO_COMMON' | 'PASSWORD_LENGTH' } = {},
): OperatorCommand => ({
  kind: 'changePassword',
  by: 'SELF',
  actor: { actorId: operatorId, role: 'BUPATI_OFFICE' },
  currentPasswordRight: true,
  unchanged: false,
  passwordProblem: null,
  ...more,
});
/** Every act of an administrator on an existing account. */
const acts = (actor: Actor): OperatorCommand[] => [
  { kind: 'suspend', actor },
  { kind: 'reinstate', actor },
  { kind: 'revoke', actor },
  reset(actor),
  { kind: 'unlock', actor },
  { kind: 'eraseProfile', actor },
];

describe('Each party administers its own people', () => {
  it('a Dinkes administrator cannot enrol, suspend, reinstate, revoke, reset the password of, unlock or erase the profile of a Disdukcapil auditor or a Bupati-office account', () => {
    for (const role of ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'] as const) {
      account.given().when(enrol(DINKES_ADMIN, role)).thenRefused('OTHER_PARTYS_ACCOUNT', 403);
      for (const act of acts(DINKES_ADMIN)) account.given(enrolledAs(role)).when(act).thenRefused('OTHER_PARTYS_ACCOUNT', 403);
    }
  });

  it('a Disdukcapil auditor cannot enrol, suspend, reinstate, revoke, reset the password of, unlock or erase the profile of a Dinkes administrator or a Puskesmas operator', () => {
    for (const role of ['DINKES_ADMIN', 'PUSKESMAS_OPERATOR'] as const) {
      account.given().when(enrol(DUKCAPIL_AUDITOR, role)).thenRefused('OTHER_PARTYS_ACCOUNT', 403);
      for (const act of acts(DUKCAPIL_AUDITOR)) account.given(enrolledAs(role)).when(act).thenRefused('OTHER_PARTYS_ACCOUNT', 403);
    }
  });

  it('the refusal names who administers the account', () => {
    const refusal = account.given(enrolledAs('BUPATI_OFFICE')).when({ kind: 'suspend', actor: DINKES_ADMIN }).thenRefused('OTHER_PARTYS_ACCOUNT');
    expect(refusal.message).toBe('A BUPATI_OFFICE account is administered by Disdukcapil (DUKCAPIL_AUDITOR) only.');
  });

  it("each party's administrator enrols and suspends its own accounts, and the event names who did it", () => {
    account
      .given()
      .when(enrol(DUKCAPIL_AUDITOR, 'BUPATI_OFFICE'))
      .thenEvents({ type: 'OperatorEnrolled', data: { operatorId, role: 'BUPATI_OFFICE', actorId: DUKCAPIL_AUDITOR.actorId } });
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'PUSKESMAS_OPERATOR'))
      .thenEvents({
        type: 'OperatorEnrolled',
        data: { operatorId, role: 'PUSKESMAS_OPERATOR', facilityId: puskesmas.facilityId, actorId: DINKES_ADMIN.actorId },
      });
    account
      .given(enrolledAs('DUKCAPIL_AUDITOR'))
      .when({ kind: 'suspend', actor: DUKCAPIL_AUDITOR })
      .thenEvents({ type: 'OperatorSuspended', data: { operatorId, actorId: DUKCAPIL_AUDITOR.actorId } });
    account
      .given(enrolledAs('PUSKESMAS_OPERATOR'))
      .when(reset(DINKES_ADMIN))
      .thenEvents({ type: 'OperatorPasswordChanged', data: { operatorId, by: 'ADMIN', actorId: DINKES_ADMIN.actorId } });
  });

  it("an administrator unlocks or erases the profile of its own party's account without an event on the account itself (the unlock is recorded on its sign-ins)", () => {
    account.given(enrolledAs('PUSKESMAS_OPERATOR')).when({ kind: 'unlock', actor: DINKES_ADMIN }).thenNothing();
    account.given(enrolledAs('BUPATI_OFFICE')).when({ kind: 'eraseProfile', actor: DUKCAPIL_AUDITOR }).thenNothing();
  });

  it('anyone changes their own password, whatever their party', () => {
    account
      .given(enrolledAs('BUPATI_OFFICE'))
      .when(ownChange())
      .thenEvents({ type: 'OperatorPasswordChanged', data: { operatorId, by: 'SELF', actorId: operatorId } });
  });

  it("a Puskesmas operator or the Bupati's office may not reset anyone else's password", () => {
    for (const actor of [PUSKESMAS_OPERATOR, BUPATI_OFFICE])
      account.given(enrolledAs('PUSKESMAS_OPERATOR')).when(reset(actor)).thenRefused('NOT_YOUR_ACCOUNT', 403);
  });

  it("an administrator who still owes the change of their own first password resets nobody's, not even an unknown account's", () => {
    account
      .given(enrolledAs('PUSKESMAS_OPERATOR'))
      .when(reset(DINKES_ADMIN, { actorOwesPasswordChange: true }))
      .thenRefused('PASSWORD_CHANGE_REQUIRED', 403);
    account
      .given()
      .when(reset(DINKES_ADMIN, { actorOwesPasswordChange: true }))
      .thenRefused('PASSWORD_CHANGE_REQUIRED', 403);
  });

  it('the offline recovery on the host resets the first administrator of either party', () => {
    for (const role of ['DINKES_ADMIN', 'DUKCAPIL_AUDITOR'] as const) {
      account
        .given(enrolledAs(role))
        .when(reset(hostActor('OFFLINE_RECOVERY')))
        .thenEvents({ type: 'OperatorPasswordChanged', data: { operatorId, by: 'ADMIN', actorId: 'OFFLINE_RECOVERY' } });
    }
  });
});

describe('Enrolling an account', () => {
  it("is refused for the other party's role before anything else about it is looked at", () => {
    account
      .given()
      .when(enrol(DUKCAPIL_AUDITOR, 'PUSKESMAS_OPERATOR', { passwordProblem: 'PASSWORD_TOO_COMMON', facility: null }))
      .thenRefused('OTHER_PARTYS_ACCOUNT', 403);
  });

  it('is refused with a first password that is common, holds the user id or repeats one character', () => {
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'PUSKESMAS_OPERATOR', { passwordProblem: 'PASSWORD_TOO_COMMON' }))
      .thenRefused('PASSWORD_TOO_COMMON', 400);
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'PUSKESMAS_OPERATOR', { passwordProblem: 'PASSWORD_CONTAINS_USER_ID' }))
      .thenRefused('PASSWORD_CONTAINS_USER_ID', 400);
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'PUSKESMAS_OPERATOR', { passwordProblem: 'PASSWORD_REPEATED_CHARACTER' }))
      .thenRefused('PASSWORD_REPEATED_CHARACTER', 400);
  });

  it('a Puskesmas operator belongs to a registered Puskesmas, a Dinkes administrator to Dinkes', () => {
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'PUSKESMAS_OPERATOR', { facilityId: null, facility: null }))
      .thenRefused('FACILITY_REQUIRED', 422);
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'PUSKESMAS_OPERATOR', { facility: { ...puskesmas, facilityId: null } }))
      .thenRefused('FACILITY_NOT_FOUND', 404);
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'PUSKESMAS_OPERATOR', { facilityId: dinkes.facilityId, facility: dinkes }))
      .thenRefused('FACILITY_KIND_MISMATCH', 422);
    account
      .given()
      .when(enrol(DINKES_ADMIN, 'DINKES_ADMIN', { facilityId: puskesmas.facilityId, facility: puskesmas }))
      .thenRefused('FACILITY_KIND_MISMATCH', 422);
  });

  it("a Disdukcapil auditor and the Bupati's office belong to no facility", () => {
    for (const role of ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'] as const) {
      account
        .given()
        .when(enrol(DUKCAPIL_AUDITOR, role, { facilityId: puskesmas.facilityId, facility: puskesmas }))
        .thenRefused('FACILITY_NOT_EXPECTED', 422);
    }
  });

  it('owes a password change at first sign-in', () => {
    expect(account.given(enrolledAs('PUSKESMAS_OPERATOR')).state.mustChangePassword).toBe(true);
  });
});

describe('Suspending, reinstating and revoking', () => {
  it('refuses to change a revoked account, but lets an administrator see it', () => {
    account.given(enrolledAs('PUSKESMAS_OPERATOR'), revoked).when({ kind: 'reinstate', actor: DINKES_ADMIN }).thenRefused('OPERATOR_REVOKED', 409);
    account.given(enrolledAs('PUSKESMAS_OPERATOR'), revoked).when(reset(DINKES_ADMIN)).thenRefused('OPERATOR_REVOKED', 409);
    account.given(enrolledAs('PUSKESMAS_OPERATOR'), revoked).when({ kind: 'eraseProfile', actor: DINKES_ADMIN }).thenNothing();
    expect(account.given(enrolledAs('PUSKESMAS_OPERATOR'), revoked).state.status).toBe('REVOKED');
  });

  it('a suspended account is not suspended twice, nor an active one reinstated', () => {
    account.given(enrolledAs('PUSKESMAS_OPERATOR'), suspended).when({ kind: 'suspend', actor: DINKES_ADMIN }).thenRefused('OPERATOR_ALREADY_SUSPENDED', 409);
    account.given(enrolledAs('PUSKESMAS_OPERATOR')).when({ kind: 'reinstate', actor: DINKES_ADMIN }).thenRefused('OPERATOR_ALREADY_ACTIVE', 409);
    account.given(enrolledAs('PUSKESMAS_OPERATOR'), suspended).when({ kind: 'reinstate', actor: DINKES_ADMIN }).thenTypes('OperatorReinstated');
  });

  it('an unknown account is not found, whatever is done to it', () => {
    for (const act of acts(DINKES_ADMIN)) account.given().when(act).thenRefused('OPERATOR_NOT_FOUND', 404);
    account.given().when(ownChange()).thenRefused('OPERATOR_NOT_FOUND', 404);
  });
});

describe('Changing your own password', () => {
  it('needs your current password, so a stolen token is not enough to take the account over', () => {
    account
      .given(enrolledAs('BUPATI_OFFICE'))
      .when(ownChange({ currentPasswordRight: false }))
      .thenRefused('CURRENT_PASSWORD_WRONG', 403);
  });

  it('needs a password other than the current one, and one that breaks no rule', () => {
    account
      .given(enrolledAs('BUPATI_OFFICE'))
      .when(ownChange({ unchanged: true }))
      .thenRefused('PASSWORD_UNCHANGED', 400);
    account
      .given(enrolledAs('BUPATI_OFFICE'))
      .when(ownChange({ passwordProblem: 'PASSWORD_TOO_COMMON' }))
      .thenRefused('PASSWORD_TOO_COMMON', 400);
    account
      .given(enrolledAs('BUPATI_OFFICE'))
      .when(ownChange({ passwordProblem: 'PASSWORD_LENGTH' }))
      .thenRefused('VALIDATION_FAILED', 400);
  });
});

describe('A password change owed at first sign-in', () => {
  it("is owed after enrolment and after every reset by an administrator, and paid by the operator's own change (any sequence)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('SELF' as const, 'ADMIN' as const), { maxLength: 20 }), (changes) => {
        const { state } = account.given(enrolledAs('PUSKESMAS_OPERATOR'), ...changes.map(passwordChanged));
        expect(state.mustChangePassword).toBe(changes.length === 0 || changes.at(-1) === 'ADMIN');
      }),
    );
  });
});

describe('Who administers whose accounts', () => {
  it("Dinkes administers its administrators and Puskesmas operators; Disdukcapil its auditors and the Bupati's office; nobody else administers anyone", () => {
    const expected: Record<string, string[]> = {
      DINKES_ADMIN: ['DINKES_ADMIN', 'PUSKESMAS_OPERATOR'],
      DUKCAPIL_AUDITOR: ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'],
      PUSKESMAS_OPERATOR: [],
      BUPATI_OFFICE: [],
    };
    for (const actor of ROLES) expect(ROLES.filter((target) => administers(actor, target))).toEqual(expect.arrayContaining(expected[actor]!));
    for (const actor of ROLES) expect(ROLES.filter((target) => administers(actor, target))).toHaveLength(expected[actor]!.length);
  });
});

describe("A party's last active administrator", () => {
  const roster = deciderSpec(rosterDecider, { streamId: 'administrators-DINKES' });
  const a = '6b2c3d4e-5f60-4a71-8b82-000000000001';
  const b = '6b2c3d4e-5f60-4a71-8b82-000000000002';
  const set = (id: string, active: boolean, activeOutsideRoster: string[] = []) => ({
    kind: 'set' as const,
    party: 'DINKES' as const,
    operatorId: id,
    active,
    actorId: a,
    activeOutsideRoster,
  });
  const onRoster = (id: string, active: boolean): GivenEvent => ({
    type: 'AdministratorRosterChanged',
    data: { party: 'DINKES', operatorId: id, active, actorId: a },
  });

  it('cannot be suspended or revoked: Dinkes would be left without an administrator', () => {
    roster
      .given()
      .when(set(a, false, [a]))
      .thenRefused('LAST_ADMINISTRATOR', 409);
    roster.given(onRoster(a, true), onRoster(b, false)).when(set(a, false)).thenRefused('LAST_ADMINISTRATOR', 409);
  });

  it('can be suspended while another administrator is active', () => {
    roster
      .given()
      .when(set(a, false, [a, b]))
      .thenEvents(onRoster(a, false));
  });

  it('the roster has the last word over an account status read before it changed (two suspensions at once)', () => {
    // b was counted active from its stream, but the roster already records b leaving: a is the last one.
    roster
      .given(onRoster(b, false))
      .when(set(a, false, [a, b]))
      .thenRefused('LAST_ADMINISTRATOR', 409);
  });
});

const start = Date.parse('2025-03-01T01:00:00Z');
const MINUTE = 60_000;
// Sign-ins are loaded with a tail (only the newest events count), as the sign-in route loads them.
const signIns = deciderSpec(signInDecider, { tail: SIGN_IN_TAIL });
const attempted = (at: number): GivenEvent => ({ type: 'OperatorSignInAttempted', data: { operatorId }, occurredAt: new Date(at) });
const lockedOut = (at: number): GivenEvent => ({
  type: 'OperatorLockedOut',
  data: { operatorId, until: new Date(at + 15 * MINUTE).toISOString() },
  occurredAt: new Date(at),
});
const unlocked = (at: number): GivenEvent => ({
  type: 'OperatorUnlocked',
  data: { operatorId, actorId: DINKES_ADMIN.actorId, by: 'UNLOCK' },
  occurredAt: new Date(at),
});
const attempt = { kind: 'attempt' as const, operatorId };
const failed = { kind: 'failed' as const, operatorId };
const unlock = (by: 'UNLOCK' | 'PASSWORD_RESET') => ({ kind: 'unlock' as const, operatorId, actorId: DINKES_ADMIN.actorId, by });
const attemptsAt = (...times: number[]) => times.map(attempted);

describe('Locking an account after failed sign-ins', () => {
  const fourFailures = attemptsAt(start, start + MINUTE, start + 2 * MINUTE, start + 3 * MINUTE);

  it('locks the account for 15 minutes at the 5th failure within 15 minutes, even against the right password', () => {
    signIns
      .given(fourFailures)
      .when(failed, new Date(start + 3 * MINUTE))
      .thenNothing(); // the 4th failure: no lockout yet
    const fifth = start + 4 * MINUTE;
    signIns
      .given(fourFailures, attempted(fifth))
      .when(failed, new Date(fifth))
      .thenEvents({ type: 'OperatorLockedOut', data: { operatorId, until: new Date(fifth + 15 * MINUTE).toISOString() } });
    const locked = signIns.given(fourFailures, attempted(fifth), lockedOut(fifth));
    expect(isLockedOut(locked.state, new Date(fifth + 14 * MINUTE))).toBe(true);
    locked.when(attempt, new Date(start + 10 * MINUTE)).thenRefused('ACCOUNT_LOCKED', 403);
    locked.when({ kind: 'succeeded', operatorId }, new Date(start + 10 * MINUTE)).thenRefused('ACCOUNT_LOCKED', 403);
    expect(isLockedOut(locked.state, new Date(fifth + 15 * MINUTE + 1))).toBe(false);
    locked.when(attempt, new Date(fifth + 15 * MINUTE + 1)).thenTypes('OperatorSignInAttempted');
  });

  it('refuses a sixth attempt before any password is checked while five are still unresolved (parallel guesses)', () => {
    signIns
      .given(attemptsAt(start, start + 1, start + 2, start + 3))
      .when(attempt, new Date(start + 4))
      .thenTypes('OperatorSignInAttempted');
    signIns
      .given(attemptsAt(start, start + 1, start + 2, start + 3, start + 4))
      .when(attempt, new Date(start + 10))
      .thenRefused('ACCOUNT_LOCKED', 403);
  });

  it('does not lock for failures spread over more than 15 minutes', () => {
    const everyFiveMinutes = Array.from({ length: 8 }, (_, i) => start + i * 5 * MINUTE); // at most 4 in any 15-minute window
    everyFiveMinutes.forEach((at, i) => {
      signIns
        .given(attemptsAt(...everyFiveMinutes.slice(0, i)))
        .when(attempt, new Date(at))
        .thenTypes('OperatorSignInAttempted');
      signIns
        .given(attemptsAt(...everyFiveMinutes.slice(0, i + 1)))
        .when(failed, new Date(at))
        .thenNothing();
    });
  });

  it('lets the right password in after four failures, and forgets them', () => {
    const four = attemptsAt(start, start + 1000, start + 2000, start + 3000);
    signIns
      .given(four, attempted(start + 5000))
      .when({ kind: 'succeeded', operatorId }, new Date(start + 5000))
      .thenTypes('OperatorLoggedIn');
    const signedIn = signIns.given(
      four,
      attempted(start + 5000),
      { type: 'OperatorLoggedIn', data: { operatorId }, occurredAt: new Date(start + 5000) },
      attempted(start + 6000),
    );
    signedIn.when(failed, new Date(start + 6000)).thenNothing();
    expect(signedIn.state.unresolved).toHaveLength(1);
  });
});

describe('Lifting a lockout', () => {
  const locked = [...attemptsAt(start, start + 1, start + 2, start + 3, start + 4), lockedOut(start + 4)];

  it('given a locked account, when its administrator unlocks it, then OperatorUnlocked names them and the right password gets in', () => {
    signIns
      .given(locked)
      .when(unlock('UNLOCK'), new Date(start + MINUTE))
      .thenEvents({ type: 'OperatorUnlocked', data: { operatorId, actorId: DINKES_ADMIN.actorId, by: 'UNLOCK' } });
    const after = signIns.given(locked, unlocked(start + MINUTE));
    expect(isLockedOut(after.state, new Date(start + MINUTE))).toBe(false);
    after.when(attempt, new Date(start + MINUTE + 1000)).thenTypes('OperatorSignInAttempted');
  });

  it('given five unresolved parallel attempts (not yet a lockout), when unlocked, then attempts are admitted again', () => {
    const five = attemptsAt(start, start + 1, start + 2, start + 3, start + 4);
    signIns
      .given(five)
      .when(attempt, new Date(start + 10))
      .thenRefused('ACCOUNT_LOCKED');
    signIns
      .given(five)
      .when(unlock('UNLOCK'), new Date(start + 20))
      .thenTypes('OperatorUnlocked');
    signIns
      .given(five, unlocked(start + 20))
      .when(attempt, new Date(start + 30))
      .thenTypes('OperatorSignInAttempted');
  });

  it('given an account that is not locked, an unlock is refused ACCOUNT_NOT_LOCKED, and a password reset records nothing', () => {
    signIns.given().when(unlock('UNLOCK'), new Date(start)).thenRefused('ACCOUNT_NOT_LOCKED', 409);
    signIns.given().when(unlock('PASSWORD_RESET'), new Date(start)).thenNothing();
    signIns
      .given(locked)
      .when(unlock('PASSWORD_RESET'), new Date(start + 1000))
      .thenTypes('OperatorUnlocked');
  });

  it('records a sign-out whatever the state', () => {
    signIns.given(locked).when({ kind: 'logout', operatorId }, new Date(start)).thenTypes('OperatorLoggedOut');
  });
});
