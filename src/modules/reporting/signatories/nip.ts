import { NIP_PATTERN } from '../../../infrastructure/event-store/personal-data';
import { isCalendarDate } from '../../../infrastructure/time/wib';

/**
 * What is wrong with a NIP (Nomor Induk Pegawai), or null: 18 digits, the holder's birth date (yyyymmdd),
 * the month they became a civil servant (TMT, yyyymm, at 18 or older and not in the future), sex (1 man,
 * 2 woman) and a serial (001..999).
 */
export function nipProblem(nip: string, today: string): string | null {
  if (!/^[0-9]{18}$/.test(nip)) return 'A NIP has 18 digits.';
  const birth = `${nip.slice(0, 4)}-${nip.slice(4, 6)}-${nip.slice(6, 8)}`;
  if (!isCalendarDate(birth) || birth < '1940-01-01' || birth > today) return 'The first 8 digits of a NIP are a birth date (yyyymmdd).';
  const tmt = `${nip.slice(8, 12)}-${nip.slice(12, 14)}`;
  if (!isCalendarDate(`${tmt}-01`) || tmt > today.slice(0, 7)) return 'Digits 9 to 14 of a NIP are the month of appointment as a civil servant (yyyymm).';
  if (Number(nip.slice(8, 12)) - Number(nip.slice(0, 4)) < 18) return 'The month of appointment in a NIP is at least 18 years after the birth date.';
  if (nip[14] !== '1' && nip[14] !== '2') return 'Digit 15 of a NIP is 1 (man) or 2 (woman).';
  if (nip.slice(15) === '000') return 'The last 3 digits of a NIP are a serial from 001.';
  // Born 1940..2009, appointed from 1960: what the event schema (and the privacy guard's NIP exception) accepts.
  if (!new RegExp(NIP_PATTERN).test(nip)) return 'This NIP is outside the years a serving civil servant can have.';
  return null;
}
