import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { isLockedOut, operatorDecider, signInDecider, type SignIns } from '../../src/modules/access/operators/operator';

const operatorId = randomUUID();
const enrolled = operatorDecider.evolve(operatorDecider.initialState, {
  type: 'OperatorEnrolled',
  data: { operatorId, facilityId: randomUUID(), role: 'PUSKESMAS_OPERATOR' },
  occurredAt: new Date(),
} as unknown as RecordedEvent);

/** Given the sign-in state, when a step happens at a time, then these events (applied, as the store would) or this refusal. */
function step(state: SignIns, kind: 'attempt' | 'succeeded' | 'failed', at: number): { state: SignIns; types: string[]; refusal?: string } {
  try {
    const events = signInDecider.decide({ kind, operatorId }, state, new Date(at));
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
    expect(() => operatorDecider.decide({ kind: 'reinstate' }, revoked, new Date())).toThrow(expect.objectContaining({ code: 'OPERATOR_REVOKED' }));
  });
});
