import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { wibDay } from '../../src/infrastructure/time/wib';
import { type Agreement } from '../../src/modules/access/agreements/agreement';
import { GRANTED_FIELDS } from '../../src/modules/access/agreements/agreement.events';
import { agreementInForceAmong, type AgreementInForce } from '../../src/modules/access/agreements/agreement-in-force';
import type { CardReader, Facility } from '../../src/modules/access/facilities/facility';
import type { AccessContext } from '../../src/modules/access/lookups/access-context';
import {
  ACCESS_POLICIES,
  agreementInForcePolicy,
  cardReaderPolicy,
  firstRejection,
  registeredPuskesmasPolicy,
} from '../../src/modules/access/lookups/access-policies';

const puskesmasId = randomUUID();
const now = new Date('2026-01-15T03:00:00Z');

const agreement = (over: Partial<Agreement> = {}): Agreement => ({
  agreementId: randomUUID(),
  dukcapilNumber: '473.3/1/IX/2025',
  dinkesNumber: '440/1/IX/2025',
  signedOn: '2025-09-16',
  validFrom: '2025-09-16',
  validUntil: '2027-09-15',
  grantedFields: [...GRANTED_FIELDS],
  addenda: [],
  termination: null,
  changes: [],
  ...over,
});
const inForce = (...agreements: Agreement[]): AgreementInForce => agreementInForceAmong(agreements, now);
const registered: Facility = { facilityId: puskesmasId, kind: 'PUSKESMAS', code: 'PKM-JATEN-1', name: 'Puskesmas Jaten I', kecamatanCode: '331311' };
const unregistered: Facility = { facilityId: null, kind: 'PUSKESMAS', code: '', name: '', kecamatanCode: '' };
const reader = (over: Partial<CardReader> = {}): CardReader => ({
  readerId: randomUUID(),
  facilityId: puskesmasId,
  samSerial: 'SAM-0001',
  retired: false,
  ...over,
});

/** An operator of a registered Puskesmas looking a NIK up under an agreement in force. */
const context = (over: Partial<AccessContext> = {}): AccessContext => ({
  now,
  operator: { operatorId: randomUUID(), role: 'PUSKESMAS_OPERATOR', facilityId: puskesmasId },
  agreement: inForce(agreement()),
  facility: registered,
  reader: null,
  ...over,
});

describe('The access policies of the agreement (who may look a person up, where, and how)', () => {
  describe('agreement in force', () => {
    it('allows access while an agreement both parties signed is in force', () => {
      expect(agreementInForcePolicy(context())).toEqual({ allowed: true });
    });

    it.each([
      ['EXPIRED', inForce(agreement({ validFrom: '2022-09-16', validUntil: '2024-09-15' }))],
      ['NOT_YET_VALID', inForce(agreement({ validFrom: '2026-02-01', validUntil: '2028-01-31' }))],
      ['TERMINATED', inForce(agreement({ termination: { reason: 'MUTUAL_CONSENT', effectiveOn: '2026-01-01' } }))],
      ['NONE', inForce()],
      ['NONE', inForce(agreement({ signedOn: '' }))],
    ])('refuses access with AGREEMENT_NOT_ACTIVE when the agreement is %s', (status, agreementInForce) => {
      expect(agreementInForce.status).toBe(status);
      expect(agreementInForcePolicy(context({ agreement: agreementInForce }))).toMatchObject({ allowed: false, reason: 'AGREEMENT_NOT_ACTIVE' });
    });

    it('allows access exactly from the first WIB day of validity through the last, and not from the day a termination takes effect', () => {
      const day = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
      fc.assert(
        fc.property(day, day, fc.option(day), fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2032, 0, 1) }), (from, until, terminatedOn, at) => {
          fc.pre(from <= until);
          const instant = new Date(at);
          const signed = agreement({
            signedOn: from,
            validFrom: from,
            validUntil: until,
            termination: terminatedOn ? { reason: 'MUTUAL_CONSENT', effectiveOn: terminatedOn } : null,
          });
          const today = wibDay(instant);
          const allowed = from <= today && today <= until && !(terminatedOn && today >= terminatedOn);
          expect(agreementInForcePolicy(context({ now: instant, agreement: agreementInForceAmong([signed], instant) })).allowed).toBe(allowed);
        }),
      );
    });
  });

  describe('Puskesmas registered', () => {
    it('allows an operator of a registered Puskesmas', () => {
      expect(registeredPuskesmasPolicy(context())).toEqual({ allowed: true });
    });

    it('refuses an account bound to no Puskesmas with FACILITY_NOT_REGISTERED', () => {
      expect(registeredPuskesmasPolicy(context({ facility: null }))).toMatchObject({
        allowed: false,
        reason: 'FACILITY_NOT_REGISTERED',
        message: 'Your account is not bound to a registered Puskesmas.',
      });
    });

    it('refuses an operator whose Puskesmas is not in the register with FACILITY_NOT_REGISTERED', () => {
      expect(registeredPuskesmasPolicy(context({ facility: unregistered }))).toMatchObject({
        allowed: false,
        reason: 'FACILITY_NOT_REGISTERED',
        message: 'Your Puskesmas is not registered.',
      });
    });
  });

  describe('card reader registered to this Puskesmas and in service', () => {
    it('does not apply to a NIK lookup (no reader)', () => {
      expect(cardReaderPolicy(context({ reader: null }))).toEqual({ allowed: true });
    });

    it("allows a card read on an in-service reader of the operator's own Puskesmas", () => {
      expect(cardReaderPolicy(context({ reader: reader() }))).toEqual({ allowed: true });
    });

    it('refuses a reader never registered with CARD_READER_NOT_REGISTERED', () => {
      expect(cardReaderPolicy(context({ reader: reader({ readerId: null, facilityId: '' }) }))).toMatchObject({
        allowed: false,
        reason: 'CARD_READER_NOT_REGISTERED',
      });
    });

    it("refuses another Puskesmas' reader with CARD_READER_NOT_REGISTERED", () => {
      expect(cardReaderPolicy(context({ reader: reader({ facilityId: randomUUID() }) }))).toMatchObject({
        allowed: false,
        reason: 'CARD_READER_NOT_REGISTERED',
      });
    });

    it('refuses a retired reader with CARD_READER_RETIRED', () => {
      expect(cardReaderPolicy(context({ reader: reader({ retired: true }) }))).toMatchObject({ allowed: false, reason: 'CARD_READER_RETIRED' });
    });
  });

  describe('the list, in order', () => {
    it('checks the agreement, then the Puskesmas, then the card reader', () => {
      expect(ACCESS_POLICIES).toEqual([agreementInForcePolicy, registeredPuskesmasPolicy, cardReaderPolicy]);
      expect(ACCESS_POLICIES.map((policy) => policy.name)).toEqual([
        'agreement in force (Pasal 5-7, 10)',
        'Puskesmas registered',
        'card reader registered to this Puskesmas and in service (Pasal 1(8), 3(2)(f))',
      ]);
    });

    it('lets through an access every policy allows', () => {
      expect(firstRejection(ACCESS_POLICIES, context({ reader: reader() }))).toBeNull();
    });

    it('answers with the first rejection in the list, whatever else is wrong', () => {
      const agreements = [inForce(agreement()), inForce()];
      const facilities = [registered, unregistered, null];
      const readers = [null, reader(), reader({ retired: true }), reader({ facilityId: randomUUID() })];
      fc.assert(
        fc.property(fc.constantFrom(...agreements), fc.constantFrom(...facilities), fc.constantFrom(...readers), (agreementInForce, facility, cardReader) => {
          const access = context({ agreement: agreementInForce, facility, reader: cardReader });
          const expected = ACCESS_POLICIES.map((policy) => policy(access)).find((verdict) => !verdict.allowed) ?? null;
          expect(firstRejection(ACCESS_POLICIES, access)).toEqual(expected);
        }),
      );
      // A concrete case: no agreement in force and an unregistered Puskesmas is refused for the agreement.
      expect(firstRejection(ACCESS_POLICIES, context({ agreement: inForce(), facility: null }))?.reason).toBe('AGREEMENT_NOT_ACTIVE');
      expect(firstRejection(ACCESS_POLICIES, context({ facility: unregistered, reader: reader({ retired: true }) }))?.reason).toBe('FACILITY_NOT_REGISTERED');
    });
  });
});
