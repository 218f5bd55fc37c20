import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import fc from 'fast-check';
import { ROLES, administers, isLockedOut, operatorDecider, rosterDecider, signInDecider, type Operator, type SignIns } from '../../src/modules/access/operators/operator';

const operatorId = randomUUID();
const actorId = randomUUID();
const enrolled = operatorDecider.evolve(operatorDecider.initialState, {
  type: 'OperatorEnrolled',
  data: { operatorId, facilityId: randomUUID(), role: 'PUSKESMAS_OPERATOR' },
  occurredAt: new Date(),
} as unknown as RecordedEvent);

/** Given the sign-in state, when a step happens at a time, then these events (applied, as the store would) or this refusal. */
function step(state: SignIns, kind: 'attempt' | 'succeeded' | 'failed' | 'unlock' | 'reset', at: number): { state: SignIns; types: string[]; refusal?: string } {
  try {
    const command = kind === 'unlock' || kind === 'reset' ? { kind: 'unlock' as const, operatorId, actorId, by: kind === 'unlock' ? ('UNLOCK' as const) : ('PASSWORD_RESET' as const) } : { kind, operatorId };
    const events = signInDecider.decide(command, state, new Date(at));
    const next = events.reduce((s, e) => signInDecider.evolve(s, { ...e, occurredAt: new Date(at) } as unknown as RecordedEvent), state);
    return { state: next, types: events.map((e) => e.type) };
  } catch (error) {
    return { state, types: [], refusal: (error as { code: string }).code };
  }
}

/** A whole failed sign-in: the attempt is recorded first, then the wrong password. */
function failOnce(state: SignIns, at: number) {
  const attempted = step(state, 'attempt', at);
  if (attempted.refusal) return attempted;
  const failed = step(attempted.state, 'failed', at);
  return { state: failed.state, types: [...attempted.types, ...failed.types] };
}

const start = Date.parse('2025-03-01T01:00:00Z');

describe('Locking an account after failed sign-ins', () => {
  it('locks the account for 15 minutes at the 5th failure within 15 minutes, even against the right password', () => {
    let state = signInDecider.initialState;
    for (let i = 0; i < 4; i++) {
      const r = failOnce(state, start + i * 60_000);
      expect(r.types).toEqual(['OperatorSignInAttempted']);
      state = r.state;
    }
    const fifth = failOnce(state, start + 4 * 60_000);
    expect(fifth.types).toEqual(['OperatorSignInAttempted', 'OperatorLockedOut']);
    expect(isLockedOut(fifth.state, new Date(start + 4 * 60_000 + 14 * 60_000))).toBe(true);
    expect(step(fifth.state, 'attempt', start + 10 * 60_000).refusal).toBe('ACCOUNT_LOCKED');
    expect(isLockedOut(fifth.state, new Date(start + 4 * 60_000 + 15 * 60_000 + 1))).toBe(false);
  });

  it('refuses a sixth attempt before any password is checked while five are still unresolved (parallel guesses)', () => {
    let state = signInDecider.initialState;
    for (let i = 0; i < 5; i++) {
      const r = step(state, 'attempt', start + i);
      expect(r.refusal).toBeUndefined();
      state = r.state;
    }
    expect(step(state, 'attempt', start + 10).refusal).toBe('ACCOUNT_LOCKED');
  });

  it('does not lock for failures spread over more than 15 minutes', () => {
    let state = signInDecider.initialState;
    for (let i = 0; i < 8; i++) {
      const r = failOnce(state, start + i * 5 * 60_000); // one every 5 minutes: at most 4 in any 15-minute window
      expect(r.types).toEqual(['OperatorSignInAttempted']);
      state = r.state;
    }
  });

  it('lets the right password in after four failures, and forgets them', () => {
    let state = signInDecider.initialState;
    for (let i = 0; i < 4; i++) state = failOnce(state, start + i * 1000).state;
    const attempt = step(state, 'attempt', start + 5000);
    const success = step(attempt.state, 'succeeded', start + 5000);
    expect(success.types).toEqual(['OperatorLoggedIn']);
    expect(failOnce(success.state, start + 6000).types).toEqual(['OperatorSignInAttempted']);
  });

  it('refuses to change a revoked account, but lets an administrator see it', () => {
    const revoked = operatorDecider.evolve(enrolled, { type: 'OperatorRevoked', data: { operatorId }, occurredAt: new Date() } as unknown as RecordedEvent);
    expect(() => operatorDecider.decide({ kind: 'reinstate', actor: DINKES_ADMIN }, revoked, new Date())).toThrow(expect.objectContaining({ code: 'OPERATOR_REVOKED' }));
  });
});

const DINKES_ADMIN = { actorId: randomUUID(), role: 'DINKES_ADMIN' };
const DUKCAPIL_AUDITOR = { actorId: randomUUID(), role: 'DUKCAPIL_AUDITOR' };
const accountOf = (role: string) =>
  operatorDecider.evolve(operatorDecider.initialState, { type: 'OperatorEnrolled', data: { operatorId, role, actorId: 'SEED' }, occurredAt: new Date() } as unknown as RecordedEvent);
const refusalOf = (run: () => unknown) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('Each party administers its own people', () => {
  it('a Dinkes administrator cannot enrol, suspend, reinstate, revoke or set the password of a Disdukcapil auditor or a Bupati-office account', () => {
    for (const role of ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'] as const) {
      expect(refusalOf(() => operatorDecider.decide({ kind: 'enrol', operatorId, facilityId: null, role, actor: DINKES_ADMIN }, operatorDecider.initialState, new Date()))).toBe('OTHER_PARTYS_ACCOUNT');
      for (const kind of ['suspend', 'reinstate', 'revoke'] as const) {
        expect(refusalOf(() => operatorDecider.decide({ kind, actor: DINKES_ADMIN }, accountOf(role), new Date()))).toBe('OTHER_PARTYS_ACCOUNT');
      }
      expect(refusalOf(() => operatorDecider.decide({ kind: 'changePassword', by: 'ADMIN', actor: DINKES_ADMIN }, accountOf(role), new Date()))).toBe('OTHER_PARTYS_ACCOUNT');
    }
  });

  it('a Disdukcapil auditor cannot enrol, suspend or set the password of a Dinkes administrator or a Puskesmas operator', () => {
    for (const role of ['DINKES_ADMIN', 'PUSKESMAS_OPERATOR'] as const) {
      expect(refusalOf(() => operatorDecider.decide({ kind: 'enrol', operatorId, facilityId: null, role, actor: DUKCAPIL_AUDITOR }, operatorDecider.initialState, new Date()))).toBe('OTHER_PARTYS_ACCOUNT');
      expect(refusalOf(() => operatorDecider.decide({ kind: 'suspend', actor: DUKCAPIL_AUDITOR }, accountOf(role), new Date()))).toBe('OTHER_PARTYS_ACCOUNT');
      expect(refusalOf(() => operatorDecider.decide({ kind: 'changePassword', by: 'ADMIN', actor: DUKCAPIL_AUDITOR }, accountOf(role), new Date()))).toBe('OTHER_PARTYS_ACCOUNT');
    }
  });

  it("each party's administrator enrols and suspends its own accounts, and the event names who did it", () => {
    expect(operatorDecider.decide({ kind: 'enrol', operatorId, facilityId: null, role: 'BUPATI_OFFICE', actor: DUKCAPIL_AUDITOR }, operatorDecider.initialState, new Date())).toEqual([
      { type: 'OperatorEnrolled', data: { operatorId, role: 'BUPATI_OFFICE', actorId: DUKCAPIL_AUDITOR.actorId } },
    ]);
    expect(operatorDecider.decide({ kind: 'suspend', actor: DUKCAPIL_AUDITOR }, accountOf('DUKCAPIL_AUDITOR'), new Date())).toEqual([{ type: 'OperatorSuspended', data: { operatorId, actorId: DUKCAPIL_AUDITOR.actorId } }]);
    expect(operatorDecider.decide({ kind: 'changePassword', by: 'ADMIN', actor: DINKES_ADMIN }, accountOf('PUSKESMAS_OPERATOR'), new Date())).toEqual([
      { type: 'OperatorPasswordChanged', data: { operatorId, by: 'ADMIN', actorId: DINKES_ADMIN.actorId } },
    ]);
  });

  it('anyone changes their own password, whatever their party', () => {
    const self = { actorId: operatorId, role: 'BUPATI_OFFICE' };
    expect(operatorDecider.decide({ kind: 'changePassword', by: 'SELF', actor: self }, accountOf('BUPATI_OFFICE'), new Date())).toEqual([{ type: 'OperatorPasswordChanged', data: { operatorId, by: 'SELF', actorId: operatorId } }]);
  });
});

describe("A party's last active administrator", () => {
  const a = randomUUID();
  const b = randomUUID();
  const set = (operatorId: string, active: boolean, activeOutsideRoster: string[] = []) => ({ kind: 'set' as const, party: 'DINKES' as const, operatorId, active, actorId: a, activeOutsideRoster });
  const roster = (...entries: [string, boolean][]) => new Map(entries);

  it('cannot be suspended or revoked: Dinkes would be left without an administrator', () => {
    expect(refusalOf(() => rosterDecider.decide(set(a, false, [a]), roster(), new Date()))).toBe('LAST_ADMINISTRATOR');
    expect(refusalOf(() => rosterDecider.decide(set(a, false), roster([a, true], [b, false]), new Date()))).toBe('LAST_ADMINISTRATOR');
  });

  it('can be suspended while another administrator is active', () => {
    expect(rosterDecider.decide(set(a, false, [a, b]), roster(), new Date())).toEqual([{ type: 'AdministratorRosterChanged', data: { party: 'DINKES', operatorId: a, active: false, actorId: a } }]);
  });

  it('the roster has the last word over an account status read before it changed (two suspensions at once)', () => {
    // b was counted active from its stream, but the roster already records b leaving: a is the last one.
    expect(refusalOf(() => rosterDecider.decide(set(a, false, [a, b]), roster([b, false]), new Date()))).toBe('LAST_ADMINISTRATOR');
  });
});

describe('Lifting a lockout', () => {
  const lockedAt = (at: number) => {
    let state = signInDecider.initialState;
    for (let i = 0; i < 5; i++) state = failOnce(state, at + i).state;
    return state;
  };

  it('given a locked account, when its administrator unlocks it, then OperatorUnlocked names them and the right password gets in', () => {
    const unlocked = step(lockedAt(start), 'unlock', start + 60_000);
    expect(unlocked.types).toEqual(['OperatorUnlocked']);
    expect(signInDecider.decide({ kind: 'unlock', operatorId, actorId, by: 'UNLOCK' }, lockedAt(start), new Date(start + 60_000))[0]!.data).toEqual({ operatorId, actorId, by: 'UNLOCK' });
    expect(isLockedOut(unlocked.state, new Date(start + 60_000))).toBe(false);
    expect(step(unlocked.state, 'attempt', start + 61_000).refusal).toBeUndefined();
  });

  it('given five unresolved parallel attempts (not yet a lockout), when unlocked, then attempts are admitted again', () => {
    let state = signInDecider.initialState;
    for (let i = 0; i < 5; i++) state = step(state, 'attempt', start + i).state;
    expect(step(state, 'attempt', start + 10).refusal).toBe('ACCOUNT_LOCKED');
    expect(step(step(state, 'unlock', start + 20).state, 'attempt', start + 30).refusal).toBeUndefined();
  });

  it('given an account that is not locked, an unlock is refused ACCOUNT_NOT_LOCKED, and a password reset records nothing', () => {
    expect(step(signInDecider.initialState, 'unlock', start).refusal).toBe('ACCOUNT_NOT_LOCKED');
    const reset = step(signInDecider.initialState, 'reset', start);
    expect(reset.types).toEqual([]);
    expect(reset.refusal).toBeUndefined();
    expect(step(lockedAt(start), 'reset', start + 1000).types).toEqual(['OperatorUnlocked']);
  });

  it('records a sign-out whatever the state', () => {
    expect(signInDecider.decide({ kind: 'logout', operatorId }, lockedAt(start), new Date(start)).map((e) => e.type)).toEqual(['OperatorLoggedOut']);
  });
});

describe('A password change owed at first sign-in', () => {
  const apply = (state: Operator, type: string, data: Record<string, unknown> = {}) =>
    operatorDecider.evolve(state, { type, data: { operatorId, ...data }, occurredAt: new Date() } as unknown as RecordedEvent);

  it('is owed after enrolment and after every reset by an administrator, and paid by the operator\'s own change (any sequence)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('SELF', 'ADMIN'), { maxLength: 20 }), (changes) => {
        const state = changes.reduce((s, by) => apply(s, 'OperatorPasswordChanged', { by }), enrolled);
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
