import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Refusal } from '../../../infrastructure/refusal';

/** The start of the clock hour an instant falls in: the quota's window. */
export const quotaWindow = (now: Date): Date => new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);

/** Over the quota: 429 RATE_LIMITED (a denial reason, so it is recorded as AccessDenied). Pure. */
export function quotaRefusal(used: number, perHour: number): Refusal | null {
  return used <= perHour ? null : new Refusal(429, 'RATE_LIMITED', `At most ${perHour} lookups an hour per operator.`);
}

/**
 * Each operator's lookups and card reads per clock hour, against bulk harvesting. Taking one WRITES the
 * counter (shared by every gateway process through the database), so it runs after the pure policies:
 * a request they refuse does not count.
 */
@Injectable()
export class HourlyQuota {
  constructor(private readonly db: DataSource) {}

  /** Counts one access of this operator in the current hour; refuses it when over `perHour`. */
  async take(operatorId: string, now: Date, perHour: number): Promise<void> {
    const [row]: { used: number }[] = await this.db.query(
      `INSERT INTO rate_limit_counters (operator_id, window_start, used) VALUES ($1, $2, 1)
       ON CONFLICT (operator_id, window_start) DO UPDATE SET used = rate_limit_counters.used + 1 RETURNING used`,
      [operatorId, quotaWindow(now)],
    );
    const refusal = quotaRefusal(row!.used, perHour);
    if (refusal) throw refusal;
  }
}
