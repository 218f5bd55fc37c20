/**
 * When the demo's visits happen: the semester's office days up to now (Monday to Saturday, closed on Sunday),
 * in Puskesmas office hours WIB (Monday–Thursday 07.30–14.00, Friday to 11.00, Saturday to 12.30), busier
 * on Monday and in the morning. Pure and seeded, so the demo and its test see the same semester.
 */
const WIB_MS = 7 * 3_600_000;
const CLOSING: Record<number, string> = { 1: '14:00', 2: '14:00', 3: '14:00', 4: '14:00', 5: '11:00', 6: '12:30' };
/** Relative weight of a day of the week (0 Sunday): Monday's queue is the longest. */
const DAY_WEIGHT: Record<number, number> = { 1: 1.4, 2: 1.1, 3: 1, 4: 1, 5: 0.7, 6: 0.5 };

export interface OfficeDay {
  /** YYYY-MM-DD, WIB. */
  readonly day: string;
  readonly opens: Date;
  readonly closes: Date;
  readonly weight: number;
}

const at = (day: string, time: string) => new Date(`${day}T${time}:00+07:00`);

/** The office days from `from` (YYYY-MM-DD) through the day of `now`, each cut at `now`. */
export function officeDays(from: string, now: Date): OfficeDay[] {
  const days: OfficeDay[] = [];
  for (let d = at(from, '00:00'); d <= now; d = new Date(d.getTime() + 86_400_000)) {
    const day = new Date(d.getTime() + WIB_MS).toISOString().slice(0, 10);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (!CLOSING[weekday]) continue;
    const opens = at(day, '07:30');
    const closes = new Date(Math.min(at(day, CLOSING[weekday]!).getTime(), now.getTime() - 60_000));
    if (closes > opens) days.push({ day, opens, closes, weight: DAY_WEIGHT[weekday]! });
  }
  return days;
}

/** A moment of an office day, drawn with `r` in [0, 1): mornings busier (the queue forms at opening). */
export function momentOf(day: OfficeDay, r: number): Date {
  const span = day.closes.getTime() - day.opens.getTime();
  return new Date(day.opens.getTime() + Math.floor(span * r * r)); // r² leans towards the morning
}

/** An office day drawn by weight with `r` in [0, 1). */
export function pickDay(days: readonly OfficeDay[], r: number): OfficeDay {
  const total = days.reduce((sum, d) => sum + d.weight, 0);
  let left = r * total;
  for (const d of days) if ((left -= d.weight) < 0) return d;
  return days[days.length - 1]!;
}

/** The first day of the semester that `now` is in (WIB). */
export function semesterStart(year: number, semester: 1 | 2): string {
  return `${year}-${semester === 1 ? '01' : '07'}-01`;
}

/**
 * A death certificate number (Akta Kematian) as Disdukcapil Karanganyar writes it: classification 474.3,
 * serial, KRA, and the year it was recorded, i.e. the year of the balikan that reports it.
 */
export function deathCertificateNumber(serial: number, recordedAt: Date): string {
  const year = new Date(recordedAt.getTime() + WIB_MS).getUTCFullYear();
  return `474.3/${serial}/KRA/${year}`;
}
