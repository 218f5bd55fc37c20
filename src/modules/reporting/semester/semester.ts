import { endOfWibDay, startOfWibDay, wibDay } from '../../../infrastructure/time/wib';
import { Refusal } from '../../../infrastructure/refusal';
import type { Semester } from '../documents/report-data';

/** Pasal 9(1): semester I is January–June, reported in June; semester II is July–December, reported in December (WIB). */
export interface SemesterPeriod {
  readonly year: number;
  readonly semester: Semester;
  readonly from: string;
  readonly to: string;
  /** The last day the report may be submitted on time. */
  readonly dueOn: string;
  /** The six months, YYYY-MM. */
  readonly months: readonly string[];
}

export const FIRST_REPORTABLE_YEAR = 2022;

export function semesterPeriod(year: number, semester: Semester): SemesterPeriod {
  const first = semester === 1 ? 1 : 7;
  const months = Array.from({ length: 6 }, (_, i) => `${year}-${String(first + i).padStart(2, '0')}`);
  const from = `${months[0]}-01`;
  const to = semester === 1 ? `${year}-06-30` : `${year}-12-31`;
  return { year, semester, from, to, dueOn: to, months };
}

/** The semester an instant falls in (WIB). */
export function semesterOf(at: Date): { year: number; semester: Semester } {
  const day = wibDay(at);
  return { year: Number(day.slice(0, 4)), semester: Number(day.slice(5, 7)) <= 6 ? 1 : 2 };
}

export const periodStart = (p: SemesterPeriod) => startOfWibDay(p.from);
export const periodEnd = (p: SemesterPeriod) => endOfWibDay(p.to);

/** Submitted on or before the due date (through 23:59:59.999 WIB). */
export const submittedOnTime = (p: SemesterPeriod, at: Date) => at <= endOfWibDay(p.dueOn);

export const semesterRomanOf = (semester: Semester) => (semester === 1 ? 'I' : 'II');

/** Year and semester from a path: 400 REPORT_PERIOD_INVALID unless 2022-2100 and 1 or 2; 422 if it has not started. */
export function parsePeriod(year: string, semester: string, now: Date): { year: number; semester: Semester } {
  if (!/^\d{4}$/.test(year) || Number(year) < 2022 || Number(year) > 2100 || !/^[12]$/.test(semester)) {
    throw new Refusal(400, 'REPORT_PERIOD_INVALID', 'The period must be a year from 2022 and semester 1 or 2.');
  }
  const period = { year: Number(year), semester: Number(semester) as Semester };
  if (now < periodStart(semesterPeriod(period.year, period.semester))) {
    throw new Refusal(422, 'REPORT_PERIOD_NOT_STARTED', `Semester ${semester} of ${year} has not started yet.`);
  }
  return period;
}
