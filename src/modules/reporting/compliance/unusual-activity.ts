/**
 * When an operator's day of accesses is unusual (Pasal 3(2)(c): Dinkes answers for every access). The rule,
 * also stated in the README so an auditor can apply it by hand:
 *   - ABOVE_DAILY_LIMIT: more accesses in one WIB day than OPERATOR_DAILY_LIMIT (default 150); or
 *   - FAR_ABOVE_OWN_MEDIAN: with at least 5 earlier active days in the 30 before it, more than 3 times the
 *     median of those days, and at least 20 accesses (a quiet operator's 2 → 7 is not a finding).
 */
export const MEDIAN_FACTOR = 3;
export const MINIMUM_HISTORY_DAYS = 5;
export const HISTORY_WINDOW_DAYS = 30;
export const MINIMUM_ACCESSES_TO_FLAG = 20;

export type UnusualReason = 'ABOVE_DAILY_LIMIT' | 'FAR_ABOVE_OWN_MEDIAN';

export interface OperatorDay {
  readonly day: string;
  readonly accesses: number;
}

export interface FlaggedDay extends OperatorDay {
  readonly median: number | null;
  readonly reasons: readonly UnusualReason[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** Flags each of one operator's days; `days` in any order, one entry per active day. */
export function flagUnusualDays(days: readonly OperatorDay[], dailyLimit: number): FlaggedDay[] {
  const ordered = [...days].sort((a, b) => a.day.localeCompare(b.day));
  return ordered.map((current, i) => {
    const history = ordered
      .slice(0, i)
      .filter((d) => d.accesses > 0 && dayNumber(current.day) - dayNumber(d.day) <= HISTORY_WINDOW_DAYS)
      .map((d) => d.accesses);
    const typical = history.length >= MINIMUM_HISTORY_DAYS ? median(history) : null;
    const reasons: UnusualReason[] = [];
    if (current.accesses > dailyLimit) reasons.push('ABOVE_DAILY_LIMIT');
    if (typical !== null && current.accesses >= MINIMUM_ACCESSES_TO_FLAG && current.accesses > MEDIAN_FACTOR * typical) reasons.push('FAR_ABOVE_OWN_MEDIAN');
    return { ...current, median: typical, reasons };
  });
}
