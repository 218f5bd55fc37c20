import { randomUUID } from 'node:crypto';
import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import type { NewEvent } from '../../src/infrastructure/event-store/event-store.port';
import { wibDay } from '../../src/infrastructure/time/wib';
import { agreementDecider, agreementStatus, type AgreementCommand, type SignTerms } from '../../src/modules/access/agreements/agreement';
import { GRANTED_FIELDS, agreementEvents, type TerminationReason } from '../../src/modules/access/agreements/agreement.events';
import { SPEC_NOW, deciderSpec, type GivenEvent } from '../support/decider-spec';

// Read as the store reads them: an event stored before actors were recorded (schemaVersion 1) is upcast.
const agreements = deciderSpec(agreementDecider, { schemas: new EventSchemas(agreementEvents) });

const agreementId = randomUUID();
const signed2022: GivenEvent = {
  type: 'AgreementSigned',
  schemaVersion: 1,
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
const DINKES_ADMIN = { actorId: randomUUID(), role: 'DINKES_ADMIN' };
const DUKCAPIL_AUDITOR = { actorId: randomUUID(), role: 'DUKCAPIL_AUDITOR' };
const { agreementId: _id, ...terms2022 } = signed2022.data as { agreementId: string } & SignTerms;

/** The stored form of a proposal: what `given` takes. */
function proposal(command: AgreementCommand, ...earlier: GivenEvent[]): NewEvent {
  const [event] = agreements.given(...earlier).when(command).events;
  if (!event) throw new Error('not proposed: the decider produced no event');
  return event;
}
const proposeSigning = (actor = DINKES_ADMIN, over: Partial<SignTerms> = {}): AgreementCommand => ({
  kind: 'propose',
  agreementId,
  changeId: randomUUID(),
  change: 'SIGN',
  terms: { ...terms2022, ...over },
  actor,
});
const proposeExtension = (actor = DINKES_ADMIN, addendumNumber = '473.3/100/IX/2024', validUntil = '2026-09-15'): AgreementCommand => ({
  kind: 'propose',
  changeId: randomUUID(),
  change: 'EXTEND',
  terms: { addendumNumber, validUntil },
  actor,
});
const proposeTermination = (actor: typeof DINKES_ADMIN, reason: TerminationReason, effectiveOn = '2023-06-01'): AgreementCommand => ({
  kind: 'propose',
  changeId: randomUUID(),
  change: 'TERMINATE',
  terms: { reason, effectiveOn },
  actor,
});
const changeIdOf = (event: NewEvent) => (event.data as { changeId: string }).changeId;
const at2023 = new Date('2023-06-15T03:00:00Z');

describe('The agreement register: both parties sign, extend and end it', () => {
  it('an agreement proposed by Dinkes is PENDING and grants nothing until Disdukcapil confirms it', () => {
    const proposed = proposal(proposeSigning());
    expect(proposed).toMatchObject({ type: 'AgreementChangeProposed', data: { agreementId, change: 'SIGN', party: 'DINKES', actorId: DINKES_ADMIN.actorId } });
    const pending = agreements.given(proposed).state;
    expect(agreementStatus(pending, at2023).status).toBe('PENDING');
    const { events } = agreements.given(proposed).when({ kind: 'confirm', changeId: changeIdOf(proposed), actor: DUKCAPIL_AUDITOR });
    expect(events).toEqual([
      {
        type: 'AgreementSigned',
        data: {
          ...signed2022.data,
          actorId: DUKCAPIL_AUDITOR.actorId,
          changeId: changeIdOf(proposed),
          proposedBy: DINKES_ADMIN.actorId,
          proposedAt: expect.any(String),
        },
      },
    ]);
    const signed = agreements.given(proposed, ...events).state;
    expect(agreementStatus(signed, at2023).status).toBe('ACTIVE');
    expect(signed.changes).toEqual([
      expect.objectContaining({ change: 'SIGN', status: 'CONFIRMED', proposedBy: DINKES_ADMIN.actorId, confirmedBy: DUKCAPIL_AUDITOR.actorId }),
    ]);
  });

  it('the party that proposed a change cannot confirm it itself', () => {
    const proposed = proposal(proposeSigning(DUKCAPIL_AUDITOR));
    agreements
      .given(proposed)
      .when({ kind: 'confirm', changeId: changeIdOf(proposed), actor: { ...DUKCAPIL_AUDITOR, actorId: randomUUID() } })
      .thenRefused('OWN_PROPOSAL');
    const dinkes = proposal(proposeExtension(), signed2022);
    agreements
      .given(signed2022, dinkes)
      .when({ kind: 'confirm', changeId: changeIdOf(dinkes), actor: DINKES_ADMIN })
      .thenRefused('OWN_PROPOSAL');
  });

  it('an extension proposed by Dinkes grants nothing until Disdukcapil confirms it', () => {
    const proposed = proposal(proposeExtension(), signed2022);
    expect(proposed).toMatchObject({
      type: 'AgreementChangeProposed',
      data: { change: 'EXTEND', terms: { addendumNumber: '473.3/100/IX/2024', validUntil: '2026-09-15' } },
    });
    const pending = agreements.given(signed2022, proposed).state;
    expect(pending.validUntil).toBe('2024-09-15');
    expect(agreementStatus(pending, new Date('2025-01-15T03:00:00Z')).status).toBe('EXPIRED');
    const { events } = agreements.given(signed2022, proposed).when({ kind: 'confirm', changeId: changeIdOf(proposed), actor: DUKCAPIL_AUDITOR });
    expect(events).toEqual([
      {
        type: 'AgreementExtended',
        data: {
          agreementId,
          addendumNumber: '473.3/100/IX/2024',
          validUntil: '2026-09-15',
          previousValidUntil: '2024-09-15',
          actorId: DUKCAPIL_AUDITOR.actorId,
          changeId: changeIdOf(proposed),
          proposedBy: DINKES_ADMIN.actorId,
          proposedAt: expect.any(String),
        },
      },
    ]);
    expect(agreementStatus(agreements.given(signed2022, proposed, ...events).state, new Date('2025-01-15T03:00:00Z')).status).toBe('ACTIVE');
  });

  it('Disdukcapil can refuse an extension proposed by Dinkes, and a refused change can no longer be confirmed', () => {
    const proposed = proposal(proposeExtension(), signed2022);
    const { events } = agreements.given(signed2022, proposed).when({ kind: 'reject', changeId: changeIdOf(proposed), actor: DUKCAPIL_AUDITOR });
    expect(events).toEqual([
      { type: 'AgreementChangeRejected', data: { agreementId, changeId: changeIdOf(proposed), party: 'DISDUKCAPIL', actorId: DUKCAPIL_AUDITOR.actorId } },
    ]);
    const rejected = agreements.given(signed2022, proposed, ...events);
    expect(rejected.state.validUntil).toBe('2024-09-15');
    rejected.when({ kind: 'confirm', changeId: changeIdOf(proposed), actor: DUKCAPIL_AUDITOR }).thenRefused('AGREEMENT_CHANGE_NOT_PENDING');
    rejected.when({ kind: 'confirm', changeId: randomUUID(), actor: DUKCAPIL_AUDITOR }).thenRefused('AGREEMENT_CHANGE_NOT_FOUND');
  });

  it('a termination by consent proposed by one party takes effect only when the other confirms it', () => {
    const proposed = proposal(proposeTermination(DUKCAPIL_AUDITOR, 'MUTUAL_CONSENT'), signed2022);
    expect(agreements.given(signed2022, proposed).state.termination).toBeNull();
    const { events } = agreements.given(signed2022, proposed).when({ kind: 'confirm', changeId: changeIdOf(proposed), actor: DINKES_ADMIN });
    expect(events).toMatchObject([
      {
        type: 'AgreementTerminated',
        data: { reason: 'MUTUAL_CONSENT', effectiveOn: '2023-06-01', actorId: DINKES_ADMIN.actorId, proposedBy: DUKCAPIL_AUDITOR.actorId },
      },
    ]);
  });

  it('Disdukcapil alone terminates for breach by Dinkes, at once; Dinkes cannot', () => {
    const today = wibDay(SPEC_NOW);
    const { events } = agreements.given(signed2022).when(proposeTermination(DUKCAPIL_AUDITOR, 'BREACH_BY_DINKES', today));
    expect(events).toEqual([
      {
        type: 'AgreementTerminated',
        data: { agreementId, reason: 'BREACH_BY_DINKES', effectiveOn: today, actorId: DUKCAPIL_AUDITOR.actorId, proposedBy: DUKCAPIL_AUDITOR.actorId },
      },
    ]);
    expect(agreementStatus(agreements.given(signed2022, ...events).state, SPEC_NOW).status).toBe('TERMINATED');
    agreements
      .given(signed2022)
      .when(proposeTermination(DINKES_ADMIN, 'BREACH_BY_DINKES', today))
      .thenRefused('BREACH_TERMINATION_BY_DISDUKCAPIL_ONLY');
  });

  it('a termination for breach takes effect today: neither later nor back-dated over past accesses', () => {
    agreements
      .given(signed2022)
      .when(proposeTermination(DUKCAPIL_AUDITOR, 'BREACH_BY_DINKES', '2023-06-01'))
      .thenRefused('BREACH_TERMINATION_TAKES_EFFECT_TODAY');
    agreements
      .given(signed2022)
      .when(proposeTermination(DUKCAPIL_AUDITOR, 'BREACH_BY_DINKES', '2099-01-01'))
      .thenRefused('BREACH_TERMINATION_TAKES_EFFECT_TODAY');
  });

  it('a confirmation is checked against the agreement as it is then (a later extension confirmed first)', () => {
    const first = proposal(proposeExtension(DINKES_ADMIN, 'A/1/2024', '2026-09-15'), signed2022);
    const second = proposal(proposeExtension(DINKES_ADMIN, 'A/2/2024', '2028-09-15'), signed2022, first);
    const confirmedSecond = agreements.given(signed2022, first, second).when({ kind: 'confirm', changeId: changeIdOf(second), actor: DUKCAPIL_AUDITOR }).events;
    agreements
      .given(signed2022, first, second, ...confirmedSecond)
      .when({ kind: 'confirm', changeId: changeIdOf(first), actor: DUKCAPIL_AUDITOR })
      .thenRefused('EXTENSION_NOT_LATER');
  });

  it('refuses an agreement that ends before it starts', () => {
    agreements
      .given()
      .when(proposeSigning(DINKES_ADMIN, { validFrom: '2024-01-01', validUntil: '2023-12-31' }))
      .thenRefused('AGREEMENT_END_BEFORE_START');
  });

  it('refuses signing the same agreement twice', () => {
    agreements.given(signed2022).when(proposeSigning()).thenRefused('AGREEMENT_EXISTS');
  });

  it('refuses to extend an agreement whose signing is not confirmed yet', () => {
    const proposed = proposal(proposeSigning());
    agreements.given(proposed).when(proposeExtension()).thenRefused('AGREEMENT_NOT_SIGNED');
  });

  it('refuses an extension that does not end later, and an addendum number used before or pending', () => {
    const extended: GivenEvent = {
      schemaVersion: 1,
      type: 'AgreementExtended',
      data: { agreementId, addendumNumber: 'A/1/2024', validUntil: '2026-09-15', previousValidUntil: '2024-09-15' },
    };
    agreements
      .given(signed2022)
      .when(proposeExtension(DINKES_ADMIN, 'A/2/2024', '2024-09-15'))
      .thenRefused('EXTENSION_NOT_LATER');
    agreements
      .given(signed2022, extended)
      .when(proposeExtension(DINKES_ADMIN, 'A/1/2024', '2027-01-01'))
      .thenRefused('ADDENDUM_NUMBER_USED');
    const pending = proposal(proposeExtension(DINKES_ADMIN, 'A/9/2024', '2027-01-01'), signed2022);
    agreements
      .given(signed2022, pending)
      .when(proposeExtension(DUKCAPIL_AUDITOR, 'A/9/2024', '2028-01-01'))
      .thenRefused('ADDENDUM_NUMBER_USED');
  });

  it('refuses to extend or terminate again an agreement that was terminated', () => {
    const terminated: GivenEvent = {
      schemaVersion: 1,
      type: 'AgreementTerminated',
      data: { agreementId, reason: 'MUTUAL_CONSENT', effectiveOn: '2023-01-01' },
    };
    agreements
      .given(signed2022, terminated)
      .when(proposeExtension(DINKES_ADMIN, 'A/3/2024', '2026-01-01'))
      .thenRefused('AGREEMENT_TERMINATED');
    agreements
      .given(signed2022, terminated)
      .when(proposeTermination(DINKES_ADMIN, 'FORCE_MAJEURE', '2023-02-01'))
      .thenRefused('AGREEMENT_TERMINATED');
  });

  it('refuses a termination dated before the agreement starts', () => {
    agreements
      .given(signed2022)
      .when(proposeTermination(DUKCAPIL_AUDITOR, 'BREACH_BY_DINKES', '2022-01-01'))
      .thenRefused('TERMINATION_BEFORE_START');
  });

  it('refuses changes to an agreement that does not exist', () => {
    agreements
      .given()
      .when(proposeExtension(DINKES_ADMIN, 'A/1', '2030-01-01'))
      .thenRefused('AGREEMENT_NOT_FOUND');
  });

  it('an agreement stored before the two-party flow (no actors) still loads, signed and extended', () => {
    const legacyExtension: GivenEvent = {
      schemaVersion: 1,
      type: 'AgreementExtended',
      data: { agreementId, addendumNumber: 'A/1/2024', validUntil: '2026-09-15', previousValidUntil: '2024-09-15' },
    };
    const { state } = agreements.given(signed2022, legacyExtension);
    expect(state).toMatchObject({ signedOn: '2022-09-16', validUntil: '2026-09-15', addenda: [{ addendumNumber: 'A/1/2024', validUntil: '2026-09-15' }] });
    expect(state.changes?.map((c) => [c.change, c.status, c.proposedBy, c.confirmedBy])).toEqual([
      ['SIGN', 'CONFIRMED', 'UNRECORDED', 'UNRECORDED'],
      ['EXTEND', 'CONFIRMED', 'UNRECORDED', 'UNRECORDED'],
    ]);
  });
});

describe('Whether the agreement is in force, in Jakarta time', () => {
  const { state } = agreements.given(signed2022);

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
    const extension: GivenEvent = {
      type: 'AgreementExtended',
      schemaVersion: 1,
      data: { agreementId, addendumNumber: 'A/1', validUntil: '2026-09-15', previousValidUntil: '2024-09-15' },
    };
    const extended = agreements.given(signed2022, extension).state;
    expect(agreementStatus(extended, new Date('2025-06-01T00:00:00Z')).status).toBe('ACTIVE');
    const termination: GivenEvent = {
      type: 'AgreementTerminated',
      schemaVersion: 1,
      data: { agreementId, reason: 'INSTITUTIONAL_CHANGE', effectiveOn: '2025-07-01' },
    };
    const terminated = agreements.given(signed2022, extension, termination).state;
    expect(agreementStatus(terminated, new Date('2025-06-30T16:59:59.999Z'))).toEqual({ status: 'ACTIVE', daysLeft: 1 });
    expect(agreementStatus(terminated, new Date('2025-06-30T17:00:00.000Z')).status).toBe('TERMINATED');
  });
});
