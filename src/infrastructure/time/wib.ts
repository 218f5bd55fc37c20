/** Calendar dates of the agreement and the semesters are in Asia/Jakarta (WIB, UTC+7, no daylight saving). */
const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The WIB calendar day (YYYY-MM-DD) an instant falls on. */
export function wibDay(instant: Date): string {
  return new Date(instant.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00:00.000 WIB of a calendar day. */
export function startOfWibDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - WIB_OFFSET_MS);
}

/** 23:59:59.999 WIB of a calendar day. */
export function endOfWibDay(day: string): Date {
  return new Date(startOfWibDay(day).getTime() + DAY_MS - 1);
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A YYYY-MM-DD string that names a day that exists. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
