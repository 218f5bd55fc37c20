import { Type } from '@sinclair/typebox';
import { Answer, Component, OneOf } from '../../../infrastructure/http/answer-schema';
import { FACILITY_KINDS } from './facility.events';

/** Dinkes or a Puskesmas, as registered. */
export const FacilitySchema = Component(
  'Facility',
  Answer({
    facilityId: Type.String({ format: 'uuid' }),
    kind: OneOf(FACILITY_KINDS),
    code: Type.String(),
    name: Type.String(),
    kecamatanCode: Type.String({ description: 'Six digits' }),
  }),
);

/** A KTP-el card reader of a Puskesmas. */
export const CardReaderSchema = Component(
  'CardReader',
  Answer({
    readerId: Type.String({ format: 'uuid' }),
    facilityId: Type.String({ format: 'uuid' }),
    samSerial: Type.String(),
    retired: Type.Boolean(),
  }),
);
