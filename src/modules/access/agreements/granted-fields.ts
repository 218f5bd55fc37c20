import { Type } from '@sinclair/typebox';
import { Component } from '../../../infrastructure/http/answer-schema';
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

/** Each answer key's shape, as the registry answer is read (registry-answer.ts `toPerson`), and its words in the agreement. */
const PERSON_SHAPE: { readonly [K in keyof Person]: { readonly words: string; readonly schema: Record<string, unknown> } } = {
  kkNumber: { words: 'Nomor KK', schema: { type: 'string', description: 'Family card number: its 16 digits as a string (leading zeros kept)' } },
  nik: { words: 'NIK', schema: { type: 'string', description: 'Its 16 digits as a string (leading zeros kept)' } },
  fullName: { words: 'Nama lengkap', schema: { type: 'string' } },
  sex: {
    words: 'Jenis kelamin',
    schema: { type: ['string', 'null'], enum: ['LAKI-LAKI', 'PEREMPUAN', null], description: 'null when the registry gives neither' },
  },
  birthPlace: { words: 'Tempat lahir', schema: { type: 'string' } },
  birthDate: { words: 'Tanggal lahir', schema: { type: 'string', description: 'As the registry gives it, normally YYYY-MM-DD', example: '1990-02-12' } },
  occupation: { words: 'Jenis pekerjaan', schema: { type: 'string' } },
  maritalStatus: { words: 'Status perkawinan', schema: { type: 'string', description: 'Upper case, as the registry words it (e.g. KAWIN, BELUM KAWIN)' } },
  address: {
    words: 'Alamat sekarang',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['street', 'rt', 'rw', 'village', 'district', 'regency', 'province'],
      properties: {
        street: { type: 'string' },
        rt: { type: 'string', description: 'Three digits (leading zeros kept)', example: '002' },
        rw: { type: 'string', description: 'Three digits (leading zeros kept)', example: '005' },
        village: { type: 'string', description: 'Kelurahan / desa' },
        district: { type: 'string', description: 'Kecamatan' },
        regency: { type: 'string', description: 'Kabupaten / kota' },
        province: { type: 'string' },
      },
    },
  },
};

/** A person's answer key, its agreement word and its shape, in the agreement's order: the table the API guide prints. */
export const PERSON_FIELDS = GRANTED_FIELDS.map((field) => ({ field, key: PERSON_KEY[field], words: PERSON_SHAPE[PERSON_KEY[field]].words }));

/**
 * `person` in the answer of a lookup or card read, generated from PERSON_KEY: each key names its agreement
 * field (`x-agreement-field`) and is optional, absent when the agreement in force does not grant it.
 */
export const PersonSchema = Component(
  'Person',
  Type.Unsafe<Partial<Person>>({
    type: 'object',
    additionalProperties: false,
    description:
      'The fields of Pasal 3(1)(a) the agreement in force grants (its grantedFields, mapped by x-agreement-field): a field not granted is absent, never empty.',
    properties: Object.fromEntries(
      PERSON_FIELDS.map(({ field, key, words }) => {
        const { description, ...shape } = PERSON_SHAPE[key].schema as { description?: string };
        const cited = `${words} (agreement field ${field}, Pasal 3(1)(a))${description ? `. ${description}` : ''}`;
        return [key, { ...shape, description: cited, 'x-agreement-field': field }];
      }),
    ),
  }),
);

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
