import { isLosslessNumber, parse } from 'lossless-json';

/**
 * What the population registry's CALL_NIK service answers, and how the gateway reads it. There is no
 * public specification: these rules follow public client code (the simulator in ./simulator answers the
 * same way) and tolerate its known variants — numbers as JSON numbers (NIKs of provinces 91/92 exceed
 * 2^53: parsed losslessly), RESPON strings in several spellings, upper- or lower-case field names.
 */

/** The nine fields of Pasal 3(1)(a), as the gateway returns them (docs/api-guide.md). Nothing else ever leaves. */
export interface Person {
  readonly kkNumber: string;
  readonly nik: string;
  readonly fullName: string;
  readonly sex: 'LAKI-LAKI' | 'PEREMPUAN' | null;
  readonly birthPlace: string;
  readonly birthDate: string;
  readonly occupation: string;
  readonly maritalStatus: string;
  readonly address: {
    readonly street: string;
    readonly rt: string;
    readonly rw: string;
    readonly village: string;
    readonly district: string;
    readonly regency: string;
    readonly province: string;
  };
}

export type RegistryRefusal =
  'LOGIN_FAILED' | 'IP_NOT_MATCHED' | 'IP_NOT_REGISTERED' | 'DAILY_QUOTA_EXHAUSTED' | 'ACCESS_TIME' | 'INSTANCE_INACTIVE' | 'USER_INACTIVE' | 'UNRECOGNISED';

export type RegistryAnswer =
  | { readonly outcome: 'FOUND'; readonly person: Person }
  | { readonly outcome: 'DECEASED'; readonly person: Person | null }
  | { readonly outcome: 'NOT_FOUND' }
  /** `text`: the registry's own reason, as registryReasonText makes it safe to show. */
  | { readonly outcome: 'REFUSED'; readonly reason: RegistryRefusal; readonly text: string };

/** The longest registry reason text passed on to the caller. */
export const REGISTRY_REASON_MAX = 120;

/**
 * The registry's own reason text (RESPON), as the caller may see it: control characters dropped,
 * whitespace collapsed, every digit masked as '#' (a reason that quoted a NIK or KK number would carry it
 * no further), at most REGISTRY_REASON_MAX characters. Only in the HTTP answer: never in an event or a log
 * line (the event keeps the normalised code). Pure.
 */
export function registryReasonText(raw: string): string {
  const text = raw
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\p{Nd}/gu, '#')
    .replace(/\s+/g, ' ')
    .trim();
  return [...text].slice(0, REGISTRY_REASON_MAX).join('');
}

/** Every JSON number kept as its digits: a NIK or KK number must never pass through a float. */
export function parseLossless(text: string): unknown {
  return parse(text, undefined, (value) => value);
}

const norm = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/** RESPON strings as public clients have met them, compared case- and whitespace-insensitively. */
const REFUSALS: [RegExp, RegistryRefusal][] = [
  [/^login gagal/, 'LOGIN_FAILED'],
  [/^ip address tidak sesuai/, 'IP_NOT_MATCHED'],
  [/^ip client tidak terdaftar/, 'IP_NOT_REGISTERED'],
  [/^kuota akses hari ini telah habis/, 'DAILY_QUOTA_EXHAUSTED'],
  [/waktu akses/, 'ACCESS_TIME'],
  [/instansi tidak aktif/, 'INSTANCE_INACTIVE'],
  [/user ?id tidak aktif/, 'USER_INACTIVE'],
  [/^user ?id tidak ditemukan/, 'LOGIN_FAILED'],
];

/** Reads the Spring-page envelope `{content: [{...}], ...}` of a CALL_NIK answer. */
export function readCallNikAnswer(body: unknown): RegistryAnswer {
  const content = (body as { content?: unknown })?.content;
  const first = Array.isArray(content) ? (content[0] as Record<string, unknown> | undefined) : undefined;
  if (!first || typeof first !== 'object') throw new MalformedAnswerError('no content[0]');
  const fields = upperKeys(first);
  const respon = typeof fields.RESPON === 'string' ? norm(fields.RESPON) : undefined;
  const text = typeof fields.RESPON === 'string' ? registryReasonText(fields.RESPON) : '';
  const hasPerson = fields.NIK !== undefined && fields.NAMA_LGKP !== undefined;
  // Refusals first, and anchored patterns: "User ID tidak ditemukan" is a refusal, not "no such person".
  const refusal = respon ? REFUSALS.find(([pattern]) => pattern.test(respon))?.[1] : undefined;
  if (refusal) return { outcome: 'REFUSED', reason: refusal, text };
  if (respon && /^data\b[a-z ,:.]*meninggal/.test(respon)) return { outcome: 'DECEASED', person: hasPerson ? toPerson(fields) : null };
  if (respon && /^(data|nik)\b[a-z ]*tidak ditemukan/.test(respon)) return { outcome: 'NOT_FOUND' };
  if (respon && !hasPerson) return { outcome: 'REFUSED', reason: 'UNRECOGNISED', text };
  if (!hasPerson) throw new MalformedAnswerError('no person and no RESPON');
  return { outcome: 'FOUND', person: toPerson(fields) };
}

export class MalformedAnswerError extends Error {
  constructor(what: string) {
    super(`The registry's answer could not be read: ${what}`);
  }
}

function upperKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toUpperCase(), v]));
}

/** A field as text: strings as they are, lossless numbers as their digits, anything else empty. */
function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (isLosslessNumber(value)) return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return '';
}

const digits = (value: unknown, width: number) => {
  const t = text(value);
  return /^\d+$/.test(t) ? t.padStart(width, '0') : t;
};

/**
 * THE allow-list (Pasal 3(1)(a), 4(2)(a)): the only place registry fields become gateway fields. Every
 * other field of the answer (religion, mother's name, blood type, education, e-KTP status, ...) is dropped.
 */
export function toPerson(fields: Record<string, unknown>): Person {
  const sex = norm(text(fields.JENIS_KLMIN));
  return {
    kkNumber: digits(fields.NO_KK, 16),
    nik: digits(fields.NIK, 16),
    fullName: text(fields.NAMA_LGKP),
    sex: sex === 'laki-laki' ? 'LAKI-LAKI' : sex === 'perempuan' ? 'PEREMPUAN' : null,
    birthPlace: text(fields.TMPT_LHR),
    birthDate: text(fields.TGL_LHR).slice(0, 10),
    occupation: text(fields.JENIS_PKRJN),
    maritalStatus: text(fields.STATUS_KAWIN).toUpperCase(),
    address: {
      street: text(fields.ALAMAT),
      rt: digits(fields.NO_RT, 3),
      rw: digits(fields.NO_RW, 3),
      village: text(fields.KEL_NAME),
      district: text(fields.KEC_NAME),
      regency: text(fields.KAB_NAME),
      province: text(fields.PROP_NAME),
    },
  };
}
