import { Type } from '@sinclair/typebox';
import { Answer, Component, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { PARTIES } from '../../access/parties/actor';
import { GOLONGAN } from './signatory.events';

const signatoryProperties = {
  name: Type.String(),
  nip: Type.String({ pattern: '^[0-9]{18}$', description: "Nomor Induk Pegawai, the civil servant's number (not a NIK)" }),
  rank: Type.String({ description: 'Pangkat/golongan as printed, e.g. "Pembina Utama Muda (IV/c)"' }),
  position: Type.String({ description: 'Jabatan' }),
};

/** The official who signs a document for a party (report-data.ts `Signatory`). */
export const SignatorySchema = Component('Signatory', Answer(signatoryProperties));

/** One appointment in a party's register. */
const AppointmentSchema = Component(
  'SignatoryAppointment',
  Answer({
    ...signatoryProperties,
    golongan: OneOf(GOLONGAN),
    effectiveFrom: Type.String({ format: 'date', description: 'The WIB day it holds from' }),
    recordedBy: Type.String({ description: 'Operator id of who recorded it' }),
    recordedAt: Type.String({ format: 'date-time' }),
  }),
);

export const PartySignatoriesSchema = Answer({
  party: OneOf(PARTIES),
  current: Nullable(AppointmentSchema),
  history: Type.Array(AppointmentSchema, { description: 'Every appointment, oldest first' }),
});

export const AppointedSchema = Answer({
  recorded: Type.Boolean({ description: 'false: that official already signs for the party from that day (200)' }),
  party: OneOf(PARTIES),
  effectiveFrom: Type.String({ format: 'date' }),
});
