import { randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/event-store/command-handling';
import type { NewEvent, RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { GRANTED_FIELDS, agreementDecider, agreementStatus, type AgreementCommand } from '../../src/modules/access/agreements/agreement';

/** Given these events, when this command, then these events or this refusal. */
function given(...events: NewEvent[]) {
  const recorded = events.map((e, i) => ({ ...e, revision: BigInt(i), occurredAt: new Date() }) as unknown as RecordedEvent);
  const state = recorded.reduce(agreementDecider.evolve, agreementDecider.initialState);
  return {
    state,
    when: (command: AgreementCommand) => {
      try {
        return { events: agreementDecider.decide(command, state, new Date()), refusal: undefined };
      } catch (error) {
        if (error instanceof Refusal) return { events: [], refusal: error.code };
        throw error;
      }
    },
  };
}

const agreementId = randomUUID();
const signed2022: NewEvent = {
  type: 'AgreementSigned',
  data: {
    agreementId,
    dukcapilNumber: '473.3/2271.12/IX/2022',
    dinkesNumber: '440/2633.17.5/IX/2022',
    signedOn: '2022-09-16',
    validFrom: '2022-09-16',
    validUntil: '2024-09-15',
    grantedFields: [...GRANTED_FIELDS],
  },
};
const sign = (over: Partial<Extract<AgreementCommand, { kind: 'sign' }>> = {}): AgreementCommand =>
  ({ ...(signed2022.data as object), ...over, kind: 'sign' }) as AgreementCommand;

describe('The agreement register', () => {
  it('records a signed agreement', () => {
    expect(given().when(sign()).events).toEqual([signed2022]);
  });

  it('refuses an agreement that ends before it starts', () => {
    expect(given().when(sign({ validFrom: '2024-01-01', validUntil: '2023-12-31' })).refusal).toBe('AGREEMENT_END_BEFORE_START');
  });

  it('refuses signing the same agreement twice', () => {
    expect(given(signed2022).when(sign()).refusal).toBe('AGREEMENT_EXISTS');
  });

  it('extends by addendum to a later end date', () => {
    const { events } = given(signed2022).when({ kind: 'extend', addendumNumber: '473.3/100/IX/2024', validUntil: '2026-09-15' });
    expect(events).toEqual([
      { type: 'AgreementExtended', data: { agreementId, addendumNumber: '473.3/100/IX/2024', validUntil: '2026-09-15', previousValidUntil: '2024-09-15' } },
    ]);
  });

  it('refuses an extension that does not end later, and an addendum number used before', () => {
    const extended: NewEvent = { type: 'AgreementExtended', data: { agreementId, addendumNumber: 'A/1/2024', validUntil: '2026-09-15', previousValidUntil: '2024-09-15' } };
    expect(given(signed2022).when({ kind: 'extend', addendumNumber: 'A/2/2024', validUntil: '2024-09-15' }).refusal).toBe('EXTENSION_NOT_LATER');
    expect(given(signed2022, extended).when({ kind: 'extend', addendumNumber: 'A/1/2024', validUntil: '2027-01-01' }).refusal).toBe('ADDENDUM_NUMBER_USED');
  });

  it('refuses to extend or terminate again an agreement that was terminated', () => {
    const terminated: NewEvent = { type: 'AgreementTerminated', data: { agreementId, reason: 'MUTUAL_CONSENT', effectiveOn: '2023-01-01' } };
    expect(given(signed2022, terminated).when({ kind: 'extend', addendumNumber: 'A/3/2024', validUntil: '2026-01-01' }).refusal).toBe('AGREEMENT_TERMINATED');
    expect(given(signed2022, terminated).when({ kind: 'terminate', reason: 'FORCE_MAJEURE', effectiveOn: '2023-02-01' }).refusal).toBe('AGREEMENT_TERMINATED');
  });

  it('refuses a termination dated before the agreement starts', () => {
    expect(given(signed2022).when({ kind: 'terminate', reason: 'BREACH_BY_DINKES', effectiveOn: '2022-01-01' }).refusal).toBe('TERMINATION_BEFORE_START');
  });

  it('refuses changes to an agreement that does not exist', () => {
    expect(given().when({ kind: 'extend', addendumNumber: 'A/1', validUntil: '2030-01-01' }).refusal).toBe('AGREEMENT_NOT_FOUND');
  });
});

describe('Whether the agreement is in force, in Jakarta time', () => {
  const { state } = given(signed2022);

  it('is ACTIVE until 23:59:59.999 WIB on its last day, and EXPIRED one millisecond later', () => {
    expect(agreementStatus(state, new Date('2024-09-15T16:59:59.999Z'))).toEqual({ status: 'ACTIVE', daysLeft: 1 });
    expect(agreementStatus(state, new Date('2024-09-15T17:00:00.000Z'))).toEqual({ status: 'EXPIRED', daysLeft: 0 });
  });

  it('is NOT_YET_VALID until 00:00 WIB on its first day', () => {
    expect(agreementStatus(state, new Date('2022-09-15T16:59:59.999Z')).status).toBe('NOT_YET_VALID');
    expect(agreementStatus(state, new Date('2022-09-15T17:00:00.000Z')).status).toBe('ACTIVE');
  });

  it('counts the days left, today included', () => {
    expect(agreementStatus(state, new Date('2024-09-01T03:00:00Z')).daysLeft).toBe(15);
  });

  it('is ACTIVE again after an extension, and TERMINATED from 00:00 WIB of the termination date', () => {
    const extended = agreementDecider.evolve(state, {
      type: 'AgreementExtended',
      data: { agreementId, addendumNumber: 'A/1', validUntil: '2026-09-15', previousValidUntil: '2024-09-15' },
    } as unknown as RecordedEvent);
    expect(agreementStatus(extended, new Date('2025-06-01T00:00:00Z')).status).toBe('ACTIVE');
    const terminated = agreementDecider.evolve(extended, {
      type: 'AgreementTerminated',
      data: { agreementId, reason: 'INSTITUTIONAL_CHANGE', effectiveOn: '2025-07-01' },
    } as unknown as RecordedEvent);
    expect(agreementStatus(terminated, new Date('2025-06-30T16:59:59.999Z'))).toEqual({ status: 'ACTIVE', daysLeft: 1 });
    expect(agreementStatus(terminated, new Date('2025-06-30T17:00:00.000Z')).status).toBe('TERMINATED');
  });
});
