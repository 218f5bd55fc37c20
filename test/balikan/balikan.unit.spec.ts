import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/infrastructure/event-store/event-store.port';
import { backoffMs } from '../../src/modules/balikan/balikan-delivery.service';
import { balikanDecider, balikanIdFor, balikanKeyDecider, idempotencyKeyStream } from '../../src/modules/balikan/balikan';
import { deciderSpec } from '../support/decider-spec';

const accessId = randomUUID();
const facilityId = randomUUID();
const balikanId = randomUUID();
const operator = { operatorId: randomUUID(), role: 'PUSKESMAS_OPERATOR' as const, facilityId };
const found: NewEvent = {
  type: 'NikLookupPerformed',
  data: { accessId, facilityId, operatorId: operator.operatorId, outcome: 'FOUND', holderOrigin: 'IN_REGENCY', registryLatencyMs: 12 },
};
const submitted: NewEvent = { type: 'BalikanSubmitted', data: { balikanId, accessId, facilityId, operatorId: operator.operatorId, kinds: ['BLOOD_TYPE'] } };
const submit = { kind: 'submit' as const, balikanId, caller: operator, kinds: ['BLOOD_TYPE' as const], agreementInForce: true, nikMatchesAccess: true };
const delivered: NewEvent = { type: 'BalikanDelivered', data: { balikanId, accessId, attempts: 1 } };

const balikan = deciderSpec(balikanDecider);

describe('The balikan of an access', () => {
  it('is submitted for an access that found the person, by an operator of its Puskesmas', () => {
    balikan.given(found).when(submit).thenTypes('BalikanSubmitted');
  });

  it('is recorded once however many times the same balikan (one Idempotency-Key) is submitted', () => {
    balikan.given(found, submitted).when(submit).thenNothing();
  });

  it('refuses a repeat of one Idempotency-Key that gives other fields with 422 IDEMPOTENCY_KEY_REUSED, and accepts the same fields in any order', () => {
    balikan
      .given(found, submitted)
      .when({ ...submit, kinds: ['MEDICAL_RECORD_NUMBER'] })
      .thenRefused('IDEMPOTENCY_KEY_REUSED');
    balikan
      .given(found, submitted)
      .when({ ...submit, kinds: ['BLOOD_TYPE', 'MEDICAL_RECORD_NUMBER'] })
      .thenRefused('IDEMPOTENCY_KEY_REUSED');
    const both: NewEvent = { type: 'BalikanSubmitted', data: { ...(submitted.data as object), kinds: ['BLOOD_TYPE', 'MEDICAL_RECORD_NUMBER'] } };
    balikan
      .given(found, both)
      .when({ ...submit, kinds: ['MEDICAL_RECORD_NUMBER', 'BLOOD_TYPE'] })
      .thenNothing();
  });

  it('an operator cannot send a balikan for another NIK: a NIK or token that does not match the access is refused', () => {
    balikan
      .given(found)
      .when({ ...submit, nikMatchesAccess: false })
      .thenRefused('NIK_DOES_NOT_MATCH_ACCESS');
    // Not even as a repeat of a balikan already recorded.
    balikan
      .given(found, submitted)
      .when({ ...submit, nikMatchesAccess: false })
      .thenRefused('NIK_DOES_NOT_MATCH_ACCESS');
  });

  it('is refused while no agreement is in force, and one already accepted is still delivered after it ends', () => {
    balikan
      .given(found)
      .when({ ...submit, agreementInForce: false })
      .thenRefused('AGREEMENT_NOT_ACTIVE');
    balikan.given(found, submitted).when({ kind: 'delivered', balikanId, attempts: 1 }).thenTypes('BalikanDelivered');
  });

  it('is refused for another Puskesmas, for an access that found nobody, and for an unknown access', () => {
    balikan
      .given(found)
      .when({ ...submit, caller: { ...operator, facilityId: randomUUID() } })
      .thenRefused('FACILITY_SCOPE');
    const nobody: NewEvent = { ...found, data: { ...found.data, outcome: 'NOT_FOUND' } };
    balikan.given(nobody).when(submit).thenRefused('ACCESS_FOUND_NOBODY');
    balikan.given().when(submit).thenRefused('ACCESS_NOT_FOUND');
  });

  it('is recorded DELIVERED once, even when a re-send after a crash is acknowledged again', () => {
    balikan.given(found, submitted).when({ kind: 'delivered', balikanId, attempts: 1 }).thenTypes('BalikanDelivered');
    balikan.given(found, submitted, delivered).when({ kind: 'delivered', balikanId, attempts: 2 }).thenNothing();
  });

  it('records failures while it waits, and stays settled once abandoned', () => {
    balikan.given(found, submitted).when({ kind: 'failed', balikanId, attempt: 1, reason: 'UNAVAILABLE' }).thenTypes('BalikanDeliveryFailed');
    const abandoned: NewEvent = { type: 'BalikanAbandoned', data: { balikanId, accessId, attempts: 9 } };
    balikan.given(found, submitted, abandoned).when({ kind: 'delivered', balikanId, attempts: 10 }).thenNothing();
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

describe('An Idempotency-Key names one request of one operator', () => {
  const keys = deciderSpec(balikanKeyDecider);
  const claim = { operatorId: operator.operatorId, accessId, balikanId };
  const claimed: NewEvent = { type: 'BalikanKeyClaimed', data: claim };

  it('is claimed for the access of its first balikan', () => {
    keys.given().when(claim).thenTypes('BalikanKeyClaimed');
  });

  it('is claimed nothing again by a repeat on that access', () => {
    keys.given(claimed).when(claim).thenNothing();
  });

  it('is refused on another access with 422 IDEMPOTENCY_KEY_REUSED, whatever the balikan', () => {
    keys
      .given(claimed)
      .when({ ...claim, accessId: randomUUID(), balikanId: randomUUID() })
      .thenRefused('IDEMPOTENCY_KEY_REUSED');
  });

  it('lives on a stream of its own, one per operator and key (any letter case), named by opaque ids only', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.uuid(), (operatorId, key, other) => {
        const stream = idempotencyKeyStream(operatorId, key);
        expect(stream).toMatch(/^balikankey-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(idempotencyKeyStream(operatorId.toUpperCase(), key.toUpperCase())).toBe(stream);
        expect(stream).not.toContain(key);
        if (other !== key) expect(idempotencyKeyStream(operatorId, other)).not.toBe(stream);
        if (other !== operatorId) expect(idempotencyKeyStream(other, key)).not.toBe(stream);
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
