import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { backoffMs } from '../../src/modules/balikan/balikan-delivery.service';
import { balikanDecider, balikanIdFor, type BalikanCommand } from '../../src/modules/balikan/balikan';

const accessId = randomUUID();
const facilityId = randomUUID();
const balikanId = randomUUID();
const operator = { operatorId: randomUUID(), role: 'PUSKESMAS_OPERATOR' as const, facilityId };
const found: NewEvent = { type: 'NikLookupPerformed', data: { accessId, facilityId, operatorId: operator.operatorId, outcome: 'FOUND', holderOrigin: 'IN_REGENCY', registryLatencyMs: 12 } };
const submitted: NewEvent = { type: 'BalikanSubmitted', data: { balikanId, accessId, facilityId, operatorId: operator.operatorId, kinds: ['BLOOD_TYPE'] } };
const submit = { kind: 'submit' as const, balikanId, caller: operator, kinds: ['BLOOD_TYPE' as const], agreementInForce: true, nikMatchesAccess: true };
const delivered: NewEvent = { type: 'BalikanDelivered', data: { balikanId, accessId, attempts: 1 } };

function given(...events: NewEvent[]) {
  const state = events.map((e) => ({ ...e, occurredAt: new Date() }) as unknown as RecordedEvent).reduce(balikanDecider.evolve, balikanDecider.initialState);
  return {
    when(command: BalikanCommand) {
      try {
        return { events: balikanDecider.decide(command, state, new Date()).map((e) => e.type), refusal: undefined };
      } catch (error) {
        return { events: [], refusal: (error as Refusal).code };
      }
    },
  };
}

describe('The balikan of an access', () => {
  it('is submitted for an access that found the person, by an operator of its Puskesmas', () => {
    expect(given(found).when(submit).events).toEqual(['BalikanSubmitted']);
  });

  it('is recorded once however many times the same balikan (one Idempotency-Key) is submitted', () => {
    expect(given(found, submitted).when(submit)).toEqual({ events: [], refusal: undefined });
  });

  it('an operator cannot send a balikan for another NIK: a NIK or token that does not match the access is refused', () => {
    expect(given(found).when({ ...submit, nikMatchesAccess: false }).refusal).toBe('NIK_DOES_NOT_MATCH_ACCESS');
    // Not even as a repeat of a balikan already recorded.
    expect(given(found, submitted).when({ ...submit, nikMatchesAccess: false }).refusal).toBe('NIK_DOES_NOT_MATCH_ACCESS');
  });

  it('is refused while no agreement is in force, and one already accepted is still delivered after it ends', () => {
    expect(given(found).when({ ...submit, agreementInForce: false }).refusal).toBe('AGREEMENT_NOT_ACTIVE');
    expect(given(found, submitted).when({ kind: 'delivered', balikanId, attempts: 1 }).events).toEqual(['BalikanDelivered']);
  });

  it('is refused for another Puskesmas, for an access that found nobody, and for an unknown access', () => {
    expect(given(found).when({ ...submit, caller: { ...operator, facilityId: randomUUID() } }).refusal).toBe('FACILITY_SCOPE');
    const nobody: NewEvent = { ...found, data: { ...found.data, outcome: 'NOT_FOUND' } };
    expect(given(nobody).when(submit).refusal).toBe('ACCESS_FOUND_NOBODY');
    expect(given().when(submit).refusal).toBe('ACCESS_NOT_FOUND');
  });

  it('is recorded DELIVERED once, even when a re-send after a crash is acknowledged again', () => {
    expect(given(found, submitted).when({ kind: 'delivered', balikanId, attempts: 1 }).events).toEqual(['BalikanDelivered']);
    expect(given(found, submitted, delivered).when({ kind: 'delivered', balikanId, attempts: 2 }).events).toEqual([]);
  });

  it('records failures while it waits, and stays settled once abandoned', () => {
    expect(given(found, submitted).when({ kind: 'failed', balikanId, attempt: 1, reason: 'UNAVAILABLE' }).events).toEqual(['BalikanDeliveryFailed']);
    const abandoned: NewEvent = { type: 'BalikanAbandoned', data: { balikanId, accessId, attempts: 9 } };
    expect(given(found, submitted, abandoned).when({ kind: 'delivered', balikanId, attempts: 10 }).events).toEqual([]);
  });
});

describe('The balikanId of a submission with an Idempotency-Key', () => {
  it('is the same for the same operator, access and key, and differs when any of them differs', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.uuid(), fc.uuid(), (operatorId, accessId, key, other) => {
        const id = balikanIdFor(operatorId, accessId, key);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(balikanIdFor(operatorId.toUpperCase(), accessId, key.toUpperCase())).toBe(id);
        if (other !== key) expect(balikanIdFor(operatorId, accessId, other)).not.toBe(id);
        if (other !== operatorId) expect(balikanIdFor(other, accessId, key)).not.toBe(id);
        if (other !== accessId) expect(balikanIdFor(operatorId, other, key)).not.toBe(id);
      }),
    );
  });
});

describe('Waiting between delivery attempts', () => {
  it('doubles from 2 seconds with jitter, capped at 15 minutes', () => {
    expect(backoffMs(1, () => 0)).toBe(1000);
    expect(backoffMs(1, () => 1)).toBe(2000);
    expect(backoffMs(3, () => 1)).toBe(8000);
    expect(backoffMs(30, () => 1)).toBe(15 * 60_000);
    expect(backoffMs(30, () => 0)).toBe(7.5 * 60_000);
  });
});
