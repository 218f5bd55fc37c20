import { endOfWibDay, startOfWibDay, wibDay } from '../../../infrastructure/time/wib';
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
