import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SIGN_IN_TAIL, administers, isLockedOut, operatorDecider, rosterDecider, signInDecider, type SignIns } from '../../src/modules/access/operators/operator';
import { ROLES } from '../../src/modules/access/operators/operator.events';
import { deciderSpec, type GivenEvent } from '../support/decider-spec';

const operatorId = randomUUID();
const actorId = randomUUID();
const DINKES_ADMIN = { actorId: randomUUID(), role: 'DINKES_ADMIN' };
const DUKCAPIL_AUDITOR = { actorId: randomUUID(), role: 'DUKCAPIL_AUDITOR' };
const operators = deciderSpec(operatorDecider);
const enrolled: GivenEvent = { type: 'OperatorEnrolled', data: { operatorId, facilityId: randomUUID(), role: 'PUSKESMAS_OPERATOR' } };
/** An account of this role, enrolled by the seed. */
const enrolledAs = (role: string): GivenEvent => ({ type: 'OperatorEnrolled', data: { operatorId, role, actorId: 'SEED' } });

// Sign-ins are loaded with a tail (only the newest events count), as the sign-in route loads them.
const signIns = deciderSpec(signInDecider, { tail: SIGN_IN_TAIL });
type History = GivenEvent[];

/** Given the sign-in history, when a step happens at a time, then these events (stored at that time) or this refusal. */
function step(history: History, kind: 'attempt' | 'succeeded' | 'failed' | 'unlock' | 'reset', at: number): { history: History; state: SignIns; types: string[]; refusal?: string } {
  const command = kind === 'unlock' || kind === 'reset' ? { kind: 'unlock' as const, operatorId, actorId, by: kind === 'unlock' ? ('UNLOCK' as const) : ('PASSWORD_RESET' as const) } : { kind, operatorId };
  const outcome = signIns.given(...history).when(command, new Date(at));
  const refusal = outcome.refusal;
  return { history: outcome.history, state: outcome.state, types: refusal ? [] : outcome.events.map((e) => e.type), refusal: refusal?.code };
}

/** A whole failed sign-in: the attempt is recorded first, then the wrong password. */
function failOnce(history: History, at: number) {
  const attempted = step(history, 'attempt', at);
  if (attempted.refusal) return attempted;
  const failed = step(attempted.history, 'failed', at);
  return { history: failed.history, state: failed.state, types: [...attempted.types, ...failed.types] };
}

const start = Date.parse('2025-03-01T01:00:00Z');

describe('Locking an account after failed sign-ins', () => {
  it('locks the account for 15 minutes at the 5th failure within 15 minutes, even against the right password', () => {
    let history: History = [];
    for (let i = 0; i < 4; i++) {
      const r = failOnce(history, start + i * 60_000);
      expect(r.types).toEqual(['OperatorSignInAttempted']);
      history = r.history;
    }
    const fifth = failOnce(history, start + 4 * 60_000);
    expect(fifth.types).toEqual(['OperatorSignInAttempted', 'OperatorLockedOut']);
    expect(isLockedOut(fifth.state, new Date(start + 4 * 60_000 + 14 * 60_000))).toBe(true);
    expect(step(fifth.history, 'attempt', start + 10 * 60_000).refusal).toBe('ACCOUNT_LOCKED');
    expect(isLockedOut(fifth.state, new Date(start + 4 * 60_000 + 15 * 60_000 + 1))).toBe(false);
  });

  it('refuses a sixth attempt before any password is checked while five are still unresolved (parallel guesses)', () => {
    let history: History = [];
    for (let i = 0; i < 5; i++) {
      const r = step(history, 'attempt', start + i);
      expect(r.refusal).toBeUndefined();
      history = r.history;
    }
    expect(step(history, 'attempt', start + 10).refusal).toBe('ACCOUNT_LOCKED');
  });

  it('does not lock for failures spread over more than 15 minutes', () => {
    let history: History = [];
    for (let i = 0; i < 8; i++) {
      const r = failOnce(history, start + i * 5 * 60_000); // one every 5 minutes: at most 4 in any 15-minute window
      expect(r.types).toEqual(['OperatorSignInAttempted']);
      history = r.history;
    }
  });

  it('lets the right password in after four failures, and forgets them', () => {
    let history: History = [];
    for (let i = 0; i < 4; i++) history = failOnce(history, start + i * 1000).history;
    const attempt = step(history, 'attempt', start + 5000);
    const success = step(attempt.history, 'succeeded', start + 5000);
    expect(success.types).toEqual(['OperatorLoggedIn']);
    expect(failOnce(success.history, start + 6000).types).toEqual(['OperatorSignInAttempted']);
  });

  it('refuses to change a revoked account, but lets an administrator see it', () => {
    operators.given(enrolled, { type: 'OperatorRevoked', data: { operatorId } }).when({ kind: 'reinstate', actor: DINKES_ADMIN }).thenRefused('OPERATOR_REVOKED');
  });
});

describe('Each party administers its own people', () => {
  it('a Dinkes administrator cannot enrol, suspend, reinstate, revoke or set the password of a Disdukcapil auditor or a Bupati-office account', () => {
    for (const role of ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'] as const) {
      operators.given().when({ kind: 'enrol', operatorId, facilityId: null, role, actor: DINKES_ADMIN }).thenRefused('OTHER_PARTYS_ACCOUNT');
      for (const kind of ['suspend', 'reinstate', 'revoke'] as const) {
        operators.given(enrolledAs(role)).when({ kind, actor: DINKES_ADMIN }).thenRefused('OTHER_PARTYS_ACCOUNT');
      }
      operators.given(enrolledAs(role)).when({ kind: 'changePassword', by: 'ADMIN', actor: DINKES_ADMIN }).thenRefused('OTHER_PARTYS_ACCOUNT');
    }
  });

  it('a Disdukcapil auditor cannot enrol, suspend or set the password of a Dinkes administrator or a Puskesmas operator', () => {
    for (const role of ['DINKES_ADMIN', 'PUSKESMAS_OPERATOR'] as const) {
      operators.given().when({ kind: 'enrol', operatorId, facilityId: null, role, actor: DUKCAPIL_AUDITOR }).thenRefused('OTHER_PARTYS_ACCOUNT');
      operators.given(enrolledAs(role)).when({ kind: 'suspend', actor: DUKCAPIL_AUDITOR }).thenRefused('OTHER_PARTYS_ACCOUNT');
      operators.given(enrolledAs(role)).when({ kind: 'changePassword', by: 'ADMIN', actor: DUKCAPIL_AUDITOR }).thenRefused('OTHER_PARTYS_ACCOUNT');
    }
  });

  it("each party's administrator enrols and suspends its own accounts, and the event names who did it", () => {
    operators.given().when({ kind: 'enrol', operatorId, facilityId: null, role: 'BUPATI_OFFICE', actor: DUKCAPIL_AUDITOR }).thenEvents({ type: 'OperatorEnrolled', data: { operatorId, role: 'BUPATI_OFFICE', actorId: DUKCAPIL_AUDITOR.actorId } });
    operators.given(enrolledAs('DUKCAPIL_AUDITOR')).when({ kind: 'suspend', actor: DUKCAPIL_AUDITOR }).thenEvents({ type: 'OperatorSuspended', data: { operatorId, actorId: DUKCAPIL_AUDITOR.actorId } });
    operators.given(enrolledAs('PUSKESMAS_OPERATOR')).when({ kind: 'changePassword', by: 'ADMIN', actor: DINKES_ADMIN }).thenEvents({ type: 'OperatorPasswordChanged', data: { operatorId, by: 'ADMIN', actorId: DINKES_ADMIN.actorId } });
  });

  it('anyone changes their own password, whatever their party', () => {
    const self = { actorId: operatorId, role: 'BUPATI_OFFICE' };
    operators.given(enrolledAs('BUPATI_OFFICE')).when({ kind: 'changePassword', by: 'SELF', actor: self }).thenEvents({ type: 'OperatorPasswordChanged', data: { operatorId, by: 'SELF', actorId: operatorId } });
  });
});

describe("A party's last active administrator", () => {
  const a = randomUUID();
  const b = randomUUID();
  const administrators = deciderSpec(rosterDecider, { streamId: 'administrators-DINKES' });
  const set = (operatorId: string, active: boolean, activeOutsideRoster: string[] = []) => ({ kind: 'set' as const, party: 'DINKES' as const, operatorId, active, actorId: a, activeOutsideRoster });
  /** The roster's word on each administrator, as recorded on its stream. */
  const roster = (...entries: [string, boolean][]): GivenEvent[] => entries.map(([operatorId, active]) => ({ type: 'AdministratorRosterChanged', data: { party: 'DINKES', operatorId, active, actorId: a } }));

  it('cannot be suspended or revoked: Dinkes would be left without an administrator', () => {
    administrators.given(roster()).when(set(a, false, [a])).thenRefused('LAST_ADMINISTRATOR');
    administrators.given(roster([a, true], [b, false])).when(set(a, false)).thenRefused('LAST_ADMINISTRATOR');
  });

  it('can be suspended while another administrator is active', () => {
    administrators.given(roster()).when(set(a, false, [a, b])).thenEvents({ type: 'AdministratorRosterChanged', data: { party: 'DINKES', operatorId: a, active: false, actorId: a } });
  });

  it('the roster has the last word over an account status read before it changed (two suspensions at once)', () => {
    // b was counted active from its stream, but the roster already records b leaving: a is the last one.
    administrators.given(roster([b, false])).when(set(a, false, [a, b])).thenRefused('LAST_ADMINISTRATOR');
  });
});

describe('Lifting a lockout', () => {
  const lockedAt = (at: number) => {
    let history: History = [];
    for (let i = 0; i < 5; i++) history = failOnce(history, at + i).history;
    return history;
  };

  it('given a locked account, when its administrator unlocks it, then OperatorUnlocked names them and the right password gets in', () => {
    const unlocked = step(lockedAt(start), 'unlock', start + 60_000);
    expect(unlocked.types).toEqual(['OperatorUnlocked']);
    signIns.given(lockedAt(start)).when({ kind: 'unlock', operatorId, actorId, by: 'UNLOCK' }, new Date(start + 60_000)).thenEvents({ type: 'OperatorUnlocked', data: { operatorId, actorId, by: 'UNLOCK' } });
    expect(isLockedOut(unlocked.state, new Date(start + 60_000))).toBe(false);
    expect(step(unlocked.history, 'attempt', start + 61_000).refusal).toBeUndefined();
  });

  it('given five unresolved parallel attempts (not yet a lockout), when unlocked, then attempts are admitted again', () => {
    let history: History = [];
    for (let i = 0; i < 5; i++) history = step(history, 'attempt', start + i).history;
    expect(step(history, 'attempt', start + 10).refusal).toBe('ACCOUNT_LOCKED');
    expect(step(step(history, 'unlock', start + 20).history, 'attempt', start + 30).refusal).toBeUndefined();
  });

  it('given an account that is not locked, an unlock is refused ACCOUNT_NOT_LOCKED, and a password reset records nothing', () => {
    expect(step([], 'unlock', start).refusal).toBe('ACCOUNT_NOT_LOCKED');
    const reset = step([], 'reset', start);
    expect(reset.types).toEqual([]);
    expect(reset.refusal).toBeUndefined();
    expect(step(lockedAt(start), 'reset', start + 1000).types).toEqual(['OperatorUnlocked']);
  });

  it('records a sign-out whatever the state', () => {
    signIns.given(lockedAt(start)).when({ kind: 'logout', operatorId }, new Date(start)).thenTypes('OperatorLoggedOut');
  });
});

describe('A password change owed at first sign-in', () => {
  const changed = (by: string): GivenEvent => ({ type: 'OperatorPasswordChanged', data: { operatorId, by } });

  it('is owed after enrolment and after every reset by an administrator, and paid by the operator\'s own change (any sequence)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('SELF', 'ADMIN'), { maxLength: 20 }), (changes) => {
        const { state } = operators.given(enrolled, ...changes.map(changed));
        expect(state.mustChangePassword).toBe(changes.length === 0 || changes.at(-1) === 'ADMIN');
      }),
    );
  });
});

describe('Who administers whose accounts', () => {
  it('Dinkes administers its administrators and Puskesmas operators; Disdukcapil its auditors and the Bupati\'s office; nobody else administers anyone', () => {
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
