/**
 * Recognises values shaped like personal data that must never reach the event store or a log line.
 *
 * What can be recognised by shape: NIK and KK numbers, 16 digits, however they are written: plain, with
 * spaces, dots, dashes, slashes or any other punctuation between digits (up to three characters),
 * full-width or other Unicode digits, zero-width characters slipped in, as a string, a number or a
 * bigint. Names, addresses and birth dates cannot be told from other text by shape; the closed event
 * schemas keep them out (unknown fields and free strings are refused there).
 */
import type { JsonSchema } from './event-schemas';

/** 16 or more digits, where up to three characters that are neither letters nor digits may separate them. */
const LONG_DIGIT_RUN = /\p{Nd}(?:[^\p{L}\p{Nd}]{0,3}\p{Nd}){15,}/u;
const LONG_DIGIT_RUNS = new RegExp(LONG_DIGIT_RUN.source, 'gu');
/** Invisible formatting characters (zero-width space, joiners, marks) that could split a run. */
const FORMAT_CHARACTERS = /\p{Cf}/gu;
/**
 * Canonical UUIDs (valid version and variant) are opaque ids. About one random UUID in a few hundred has
 * 16 digits in a row across its dashes, so they are set aside before the scan. A NIK laid out like a UUID
 * has no valid version digit (its 13th digit is a serial's first) and is still caught.
 */
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/gi;
/**
 * A civil servant's NIP (Nomor Induk Pegawai, 18 digits: birth date yyyymmdd, TMT yyyymm, sex 1|2, serial 3).
 * 18 digits look like a NIK to the scan; a string of exactly this form in a field declared `x-official: nip`
 * is a public official's number as printed on signed documents, not a patient's. A NIK (16 digits, however
 * written) never has this form, so it is still refused there.
 */
export const NIP_PATTERN = '^(19[4-9][0-9]|200[0-9])(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(19[6-9][0-9]|20[0-9][0-9])(0[1-9]|1[0-2])[12][0-9]{3}$';
const NIP = new RegExp(NIP_PATTERN);
/** Any number with 16 or more integer digits. */
const SIXTEEN_DIGITS = 1e15;

function normalise(text: string): string {
  return text.normalize('NFKC').replace(FORMAT_CHARACTERS, '');
}

export function looksLikeNikOrKk(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return LONG_DIGIT_RUN.test(normalise(value).replace(UUIDS, ' '));
    case 'number':
      return Number.isFinite(value) && Math.abs(value) >= SIXTEEN_DIGITS;
    case 'bigint':
      return (value < 0n ? -value : value) >= 10n ** 15n;
    default:
      return false;
  }
}

/** Text fit for a log line: every NIK/KK-shaped run outside a UUID replaced by [redacted]. */
export function maskPersonalData(text: string): string {
  const normal = normalise(text);
  const mask = (part: string) => part.replace(LONG_DIGIT_RUNS, '[redacted]');
  let masked = '';
  let from = 0;
  for (const uuid of normal.matchAll(UUIDS)) {
    masked += mask(normal.slice(from, uuid.index)) + uuid[0];
    from = uuid.index + uuid[0].length;
  }
  return masked + mask(normal.slice(from));
}

/**
 * JSON-pointer path of the first NIK/KK-shaped value (or key) inside `value`, or undefined. With a
 * schema, a key the schema does not declare is named `<undeclared>`: a caller's field name is text of
 * the caller's choosing and is never repeated in an error.
 */
export function findPersonalData(value: unknown, schema?: JsonSchema, path = ''): string | undefined {
  // The one declared exception: an official's NIP in a field that says so (see NIP_PATTERN).
  if (schema?.['x-official'] === 'nip' && typeof value === 'string' && NIP.test(value)) return undefined;
  if (looksLikeNikOrKk(value)) return path || '/';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findPersonalData(value[i], schema?.items, `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const declared = schema?.properties?.[key];
      const segment = declared ? key : '<undeclared>';
      if (looksLikeNikOrKk(key)) return `${path}/<key>`;
      const found = findPersonalData(child, declared, `${path}/${segment}`);
      if (found) return found;
    }
  }
  return undefined;
}
