import { isCalendarDate, wibDay } from '../../../infrastructure/time/wib';

/** Province codes (BPS), including the Papua provinces formed in 2022. */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '21',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '51',
  '52',
  '53',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '81',
  '82',
  '91',
  '92',
  '93',
  '94',
  '95',
  '96',
]);

export type NikProblem = 'NIK_NOT_16_DIGITS' | 'NIK_UNKNOWN_PROVINCE' | 'NIK_INVALID_DATE';

const MESSAGES: Record<NikProblem, string> = {
  NIK_NOT_16_DIGITS: 'A NIK is exactly 16 digits.',
  NIK_UNKNOWN_PROVINCE: 'The first two digits of the NIK are not a province code.',
  NIK_INVALID_DATE: 'Digits 7-12 of the NIK are not a date that exists (day + 40 for women).',
};

/**
 * Checks a NIK's structure before anyone calls the registry: 16 digits, a real province, and a birth
 * date (DDMMYY, day + 40 for women) that exists and is not in the future. The year has two digits, so
 * the date is read as the latest such day not after today: 20yy if that has passed, else 19yy. (A
 * date later this year is therefore a centenarian, not a future birth: "not in the future" holds by
 * construction, and no NIK of a real 99-year-old is refused.) No checksum exists. The message never
 * repeats the NIK.
 */
export function checkNik(nik: string, now: Date = new Date()): { problem: NikProblem; message: string } | null {
  const fail = (problem: NikProblem) => ({ problem, message: MESSAGES[problem] });
  if (!/^\d{16}$/.test(nik)) return fail('NIK_NOT_16_DIGITS');
  if (!PROVINCES.has(nik.slice(0, 2))) return fail('NIK_UNKNOWN_PROVINCE');
  let day = Number(nik.slice(6, 8));
  if (day > 40) day -= 40;
  const month = nik.slice(8, 10);
  const yy = Number(nik.slice(10, 12));
  const today = wibDay(now);
  const dayMonth = `${month}-${String(day).padStart(2, '0')}`;
  // A two-digit year means the latest such date not after today: 20yy if that has passed, else 19yy.
  const candidates = [`${2000 + yy}-${dayMonth}`, `${1900 + yy}-${dayMonth}`];
  return candidates.some((date) => isCalendarDate(date) && date <= today) ? null : fail('NIK_INVALID_DATE');
}

/** Pasal 3(2)(e): holders from anywhere are served; reports only count where the NIK was registered. */
export function holderOrigin(nik: string): 'IN_REGENCY' | 'OUT_OF_REGENCY' {
  return nik.startsWith('3313') ? 'IN_REGENCY' : 'OUT_OF_REGENCY';
}
