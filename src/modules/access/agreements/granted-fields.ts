import type { Person } from '../../../infrastructure/registry/registry-answer';
import { GRANTED_FIELDS } from './agreement.events';
import type { AgreementInForce } from './agreement-in-force';

export type GrantedField = (typeof GRANTED_FIELDS)[number];

/** THE one mapping from the agreement's words (Pasal 3(1)(a)) to the keys of the answer's `person`. */
export const PERSON_KEY: Readonly<Record<GrantedField, keyof Person>> = {
  NO_KK: 'kkNumber',
  NIK: 'nik',
  NAMA_LENGKAP: 'fullName',
  JENIS_KELAMIN: 'sex',
  TEMPAT_LAHIR: 'birthPlace',
  TANGGAL_LAHIR: 'birthDate',
  JENIS_PEKERJAAN: 'occupation',
  STATUS_PERKAWINAN: 'maritalStatus',
  ALAMAT: 'address',
};

/** The part of a person the fields grant; keys not granted are absent, not empty. */
export function grantedPart(person: Person | null, grantedFields: readonly string[]): Partial<Person> | null {
  if (!person) return null;
  const granted = new Set(grantedFields);
  const part: Partial<Record<keyof Person, unknown>> = {};
  for (const field of GRANTED_FIELDS) {
    if (granted.has(field)) part[PERSON_KEY[field]] = person[PERSON_KEY[field]];
  }
  return part as Partial<Person>;
}

/**
 * The answer to a lookup or card read holds only what the agreement in force grants, as the request read it
 * (an addendum narrowing the fields counts from the next request on the instance that recorded it, within
 * REGISTER_RECHECK_MS on the others). No agreement in force grants nothing.
 */
export function grantedPerson(person: Person | null, { agreement, status }: AgreementInForce): Partial<Person> | null {
  return grantedPart(person, status === 'ACTIVE' && agreement ? agreement.grantedFields : []);
}
