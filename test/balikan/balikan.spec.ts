import { randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/event-store/command-handling';
import type { NewEvent, RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { backoffMs } from '../../src/modules/balikan/balikan-delivery.service';
import { balikanDecider, type BalikanCommand } from '../../src/modules/balikan/balikan';

const accessId = randomUUID();
const facilityId = randomUUID();
const balikanId = randomUUID();
const operator = { operatorId: randomUUID(), role: 'PUSKESMAS_OPERATOR' as const, facilityId };
const found: NewEvent = { type: 'NikLookupPerformed', data: { accessId, facilityId, operatorId: operator.operatorId, outcome: 'FOUND', holderOrigin: 'IN_REGENCY', registryLatencyMs: 12 } };
const submitted: NewEvent = { type: 'BalikanSubmitted', data: { balikanId, accessId, facilityId, operatorId: operator.operatorId, kinds: ['BLOOD_TYPE'] } };
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
    expect(given(found).when({ kind: 'submit', balikanId, caller: operator, kinds: ['BLOOD_TYPE'] }).events).toEqual(['BalikanSubmitted']);
  });

  it('is refused for another Puskesmas, for an access that found nobody, and for an unknown access', () => {
    expect(given(found).when({ kind: 'submit', balikanId, caller: { ...operator, facilityId: randomUUID() }, kinds: ['BLOOD_TYPE'] }).refusal).toBe('FACILITY_SCOPE');
    const nobody: NewEvent = { ...found, data: { ...found.data, outcome: 'NOT_FOUND' } };
    expect(given(nobody).when({ kind: 'submit', balikanId, caller: operator, kinds: ['BLOOD_TYPE'] }).refusal).toBe('ACCESS_FOUND_NOBODY');
    expect(given().when({ kind: 'submit', balikanId, caller: operator, kinds: ['BLOOD_TYPE'] }).refusal).toBe('ACCESS_NOT_FOUND');
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

describe('Waiting between delivery attempts', () => {
  it('doubles from 2 seconds with jitter, capped at 15 minutes', () => {
    expect(backoffMs(1, () => 0)).toBe(1000);
    expect(backoffMs(1, () => 1)).toBe(2000);
    expect(backoffMs(3, () => 1)).toBe(8000);
    expect(backoffMs(30, () => 1)).toBe(15 * 60_000);
    expect(backoffMs(30, () => 0)).toBe(7.5 * 60_000);
  });
});
