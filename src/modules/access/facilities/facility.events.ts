import { Closed, OneOf, Pattern, Uuid, defineEvent } from '../../../infrastructure/event-store/typed-events';
import { withActor } from '../parties/actor';

export const FACILITY_KINDS = ['PUSKESMAS', 'DINKES'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

/** Codes and names of institutions (not of people): uppercase codes, plain names. */
export const FACILITY_CODE = '^[A-Z][A-Z0-9-]{2,19}$';
export const FACILITY_NAME = "^[A-Za-z0-9][A-Za-z0-9 .'()/-]{2,79}$";
export const KECAMATAN_CODE = '^[0-9]{6}$';
export const SAM_SERIAL = '^[A-Z0-9][A-Z0-9-]{3,31}$';

export const FacilityRegistered = withActor(
  defineEvent(
    'FacilityRegistered',
    Closed({
      facilityId: Uuid(),
      kind: OneOf(FACILITY_KINDS),
      code: Pattern(FACILITY_CODE),
      name: Pattern(FACILITY_NAME),
      kecamatanCode: Pattern(KECAMATAN_CODE),
    }),
    { version: 1 },
  ),
);

export const FacilityCodeReserved = withActor(
  defineEvent('FacilityCodeReserved', Closed({ code: Pattern(FACILITY_CODE), facilityId: Uuid() }), {
    version: 1,
    description: 'Claims a facility code on its own stream (facilitycode-{code}), so two facilities cannot share one.',
  }),
);

export const CardReaderRegistered = withActor(
  defineEvent('CardReaderRegistered', Closed({ readerId: Uuid(), facilityId: Uuid(), samSerial: Pattern(SAM_SERIAL) }), { version: 1 }),
);

export const CardReaderRetired = withActor(defineEvent('CardReaderRetired', Closed({ readerId: Uuid(), facilityId: Uuid() }), { version: 1 }));

export const facilityEvents = [FacilityRegistered, FacilityCodeReserved, CardReaderRegistered, CardReaderRetired] as const;
