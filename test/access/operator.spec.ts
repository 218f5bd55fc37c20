import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { isLockedOut, operatorDecider, signInDecider, type SignIns } from '../../src/modules/access/operators/operator';

const operatorId = randomUUID();
const enrolled = operatorDecider.evolve(operatorDecider.initialState, {
  type: 'OperatorEnrolled',
  data: { operatorId, facilityId: randomUUID(), role: 'PUSKESMAS_OPERATOR' },
  occurredAt: new Date(),
} as unknown as RecordedEvent);

/** Applies the events a failed sign-in produced, as the store would. */
function run(state: SignIns, failedAt: Date): { state: SignIns; types: string[] } {
  const events = signInDecider.decide({ kind: 'record', operatorId, succeeded: false }, state, failedAt);
  const next = events.reduce((s, e) => signInDecider.evolve(s, { ...e, occurredAt: failedAt } as unknown as RecordedEvent), state);
  return { state: next, types: events.map((e) => e.type) };
}

describe('Locking an account after failed sign-ins', () => {
  it('locks the account for 15 minutes at the 5th failure within 15 minutes', () => {
    let state = signInDecider.initialState;
    const start = Date.parse('2025-03-01T01:00:00Z');
    for (let i = 0; i < 4; i++) {
      const r = run(state, new Date(start + i * 60_000));
      expect(r.types).toEqual(['OperatorLoginFailed']);
      state = r.state;
    }
    const fifth = run(state, new Date(start + 4 * 60_000));
    expect(fifth.types).toEqual(['OperatorLoginFailed', 'OperatorLockedOut']);
    expect(isLockedOut(fifth.state, new Date(start + 4 * 60_000 + 14 * 60_000))).toBe(true);
    expect(isLockedOut(fifth.state, new Date(start + 4 * 60_000 + 15 * 60_000 + 1))).toBe(false);
  });

  it('does not lock for failures spread over more than 15 minutes', () => {
    let state = signInDecider.initialState;
    const start = Date.parse('2025-03-01T01:00:00Z');
    for (let i = 0; i < 8; i++) {
      const r = run(state, new Date(start + i * 5 * 60_000)); // one every 5 minutes: at most 4 in any 15-minute window
      expect(r.types).toEqual(['OperatorLoginFailed']);
      state = r.state;
    }
  });

  it('forgets earlier failures after a successful sign-in', () => {
    let state = signInDecider.initialState;
    const start = Date.parse('2025-03-01T01:00:00Z');
    for (let i = 0; i < 4; i++) state = run(state, new Date(start + i * 1000)).state;
    const [success] = signInDecider.decide({ kind: 'record', operatorId, succeeded: true }, state, new Date(start + 5000));
    state = signInDecider.evolve(state, { ...success!, occurredAt: new Date(start + 5000) } as unknown as RecordedEvent);
    expect(run(state, new Date(start + 6000)).types).toEqual(['OperatorLoginFailed']);
  });

  it('refuses to change a revoked account, but lets an administrator see it', () => {
    const revoked = operatorDecider.evolve(enrolled, { type: 'OperatorRevoked', data: { operatorId }, occurredAt: new Date() } as unknown as RecordedEvent);
    expect(() => operatorDecider.decide({ kind: 'reinstate' }, revoked, new Date())).toThrow(expect.objectContaining({ code: 'OPERATOR_REVOKED' }));
  });
});
