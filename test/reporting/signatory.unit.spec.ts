import fc from 'fast-check';
import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import { nipProblem } from '../../src/modules/reporting/signatories/nip';
import { signatoryDecider, type Appointment } from '../../src/modules/reporting/signatories/signatory';
import { GOLONGAN, rankLabel, signatoryEvents } from '../../src/modules/reporting/signatories/signatory.events';
import { SPEC_NOW, deciderSpec, type GivenEvent } from '../support/decider-spec';

const register = deciderSpec(signatoryDecider, { schemas: new EventSchemas(signatoryEvents) });
const schemas = new EventSchemas(signatoryEvents);
const ADMIN = '1c7a5b63-4d2e-4f90-8b8c-2d3e4f5a6b7c';

/** The head of Dinkes: born 12 March 1972, civil servant since April 1998, a man, serial 002. */
const KEPALA_DINAS: Appointment = {
  party: 'DINKES',
  name: 'dr. Purwati, M.Kes.',
  nip: '197203121998041002',
  golongan: 'IV/c',
  position: 'Kepala Dinas Kesehatan Kabupaten Karanganyar',
  effectiveFrom: '2026-01-02',
  actorId: ADMIN,
};
const PLT: Appointment = {
  ...KEPALA_DINAS,
  name: 'Ir. Bambang Setiawan, M.M.',
  nip: '196905051995031001',
  golongan: 'IV/b',
  position: 'Plt. Kepala Dinas Kesehatan',
};
const appointed = (a: Appointment): GivenEvent => ({
  type: 'SignatoryAppointed',
  data: { party: a.party, name: a.name, nip: a.nip, golongan: a.golongan, position: a.position, effectiveFrom: a.effectiveFrom!, actorId: a.actorId },
});

describe("A party's signatory register", () => {
  it('records the first signatory of Dinkes, recorded by its administrator, from the day given', () => {
    register.given().when(KEPALA_DINAS).thenEvents(appointed(KEPALA_DINAS));
  });

  it('takes today (WIB) as the first day when no day is given', () => {
    const [event] = register.given().when({ ...KEPALA_DINAS, effectiveFrom: undefined }, new Date('2026-01-15T20:00:00Z')).events;
    expect(event!.data.effectiveFrom).toBe('2026-01-16');
  });

  it('writes events the privacy guard accepts: an official’s NIP is declared as such, not mistaken for a NIK', () => {
    const [event] = register.given().when(KEPALA_DINAS).events;
    expect(() => schemas.validate(event!.type, event!.data)).not.toThrow();
  });

  it('lets a new head of office replace the previous one from a later day, keeping the history', () => {
    const w = register.given(appointed(KEPALA_DINAS)).when({ ...PLT, effectiveFrom: '2026-03-01' });
    w.thenEvents(appointed({ ...PLT, effectiveFrom: '2026-03-01' }));
    expect(w.state.latest).toMatchObject({ name: PLT.name, effectiveFrom: '2026-03-01' });
  });

  it('records nothing when the official already in force is appointed again (a retried form)', () => {
    register.given(appointed(KEPALA_DINAS)).when(KEPALA_DINAS).thenNothing();
    register
      .given(appointed(KEPALA_DINAS))
      .when({ ...KEPALA_DINAS, effectiveFrom: '2026-02-01' })
      .thenNothing();
  });

  it('lets the administrator correct a typo in the name on the same day', () => {
    register
      .given(appointed(KEPALA_DINAS))
      .when({ ...KEPALA_DINAS, name: 'dr. Purwati Handayani, M.Kes.' })
      .thenTypes('SignatoryAppointed');
  });

  it('refuses an appointment dated before the latest one: who signed on past days is not rewritten', () => {
    register
      .given(appointed(KEPALA_DINAS))
      .when({ ...PLT, effectiveFrom: '2026-01-01' })
      .thenRefused('SIGNATORY_DATE_BEFORE_LATEST', 409);
  });

  it('refuses an appointment more than a year ahead (a mistyped year)', () => {
    register
      .given()
      .when({ ...KEPALA_DINAS, effectiveFrom: '2027-06-01' }, SPEC_NOW)
      .thenRefused('SIGNATORY_DATE_TOO_FAR', 422);
  });

  it.each([
    ['not 18 digits', '19720312199804100'],
    ['a birth date that does not exist', '197202301998041002'],
    ['an appointment month 13', '197203121998131002'],
    ['an appointment before the 18th birthday', '197203121985041002'],
    ['an appointment in the future', '197203122027041002'],
    ['sex digit 3', '197203121998043002'],
    ['serial 000', '197203121998041000'],
    ['a NIK with two digits added', '331301120990000112'],
  ])('refuses a NIP with %s (400 NIP_INVALID)', (_, nip) => {
    register
      .given()
      .when({ ...KEPALA_DINAS, nip })
      .thenRefused('NIP_INVALID', 400);
  });

  it('accepts every well-formed NIP of a serving civil servant, and the guard accepts what it accepts', () => {
    const nip = fc
      .record({ birth: fc.date({ min: new Date('1960-01-01'), max: new Date('2000-12-31'), noInvalidDate: true }), years: fc.integer({ min: 18, max: 25 }) })
      .chain(({ birth, years }) =>
        fc.record({
          birth: fc.constant(birth.toISOString().slice(0, 10).replaceAll('-', '')),
          tmt: fc.integer({ min: 1, max: 12 }).map((m) => `${Math.min(birth.getUTCFullYear() + years, 2025)}${String(m).padStart(2, '0')}`),
          sex: fc.constantFrom('1', '2'),
          serial: fc.integer({ min: 1, max: 999 }).map((n) => String(n).padStart(3, '0')),
        }),
      )
      .map((p) => `${p.birth}${p.tmt}${p.sex}${p.serial}`);
    fc.assert(
      fc.property(nip, fc.constantFrom(...GOLONGAN), (n, golongan) => {
        expect(nipProblem(n, '2026-01-15')).toBeNull();
        const [event] = register.given().when({ ...KEPALA_DINAS, nip: n, golongan }).events;
        expect(() => schemas.validate(event!.type, event!.data)).not.toThrow();
      }),
    );
  });

  it('prints the pangkat with the golongan, as a signature block does', () => {
    expect(rankLabel('IV/c')).toBe('Pembina Utama Muda (IV/c)');
    expect(rankLabel('III/d')).toBe('Penata Tingkat I (III/d)');
    expect(GOLONGAN).toHaveLength(17);
  });
});
