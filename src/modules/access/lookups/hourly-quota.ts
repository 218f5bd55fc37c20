import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Refusal } from '../../../infrastructure/refusal';

/** The start of the clock hour an instant falls in: the quota's window. */
export const quotaWindow = (now: Date): Date => new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);

/** Whole seconds from `now` until the quota's window (starting at `window`, ms) ends: at least 1. Pure. */
export const secondsToWindowEnd = (window: number, now: Date): number => Math.max(1, Math.ceil((window + 3_600_000 - now.getTime()) / 1000));

/**
 * Over the quota: 429 RATE_LIMITED (a denial reason, so it is recorded as AccessDenied), with Retry-After
 * the seconds until the clock hour ends, when the quota starts afresh.
 */
const rateLimited = (perHour: number, window: number, now: Date): Refusal =>
  new Refusal(429, 'RATE_LIMITED', `At most ${perHour} lookups an hour per operator.`, { retryAfter: secondsToWindowEnd(window, now) });

/** How many lookups an instance takes from the shared counter at a time: a twentieth of the hour's quota. */
export const leaseSize = (perHour: number): number => Math.max(1, Math.ceil(perHour / 20));

/** Of a lease of `size` that brought the shared counter to `counted`: how many are granted. Pure. */
export const granted = (counted: number, size: number, perHour: number): number => Math.max(0, Math.min(size, perHour - (counted - size)));

interface Lease {
  readonly window: number;
  remaining: number;
  /** The shared counter reached the quota: nothing more this hour, whichever instance asks. */
  exhausted: boolean;
  leasing?: Promise<void>;
}

/**
 * Each operator's lookups and card reads per clock hour, against bulk harvesting, shared by every gateway
 * instance through `rate_limit_counters`. The shared counter counts what instances have TAKEN; an instance
 * takes `leaseSize` at a time (one statement) and spends them from memory, so most lookups write nothing
 * for the quota. What the counter hands out never passes `perHour`, so no operator gets more than
 * `perHour` lookups in an hour, however many instances serve them. What an instance took but did not spend
 * (it stopped, or the operator moved to another instance) is lost for that hour: an operator served by
 * several instances may be refused up to `leaseSize` lookups early per other instance, never granted more.
 * Taking runs after the pure policies: a request they refuse does not count.
 */
@Injectable()
export class HourlyQuota {
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly db: DataSource) {}

  /** Counts one access of this operator in the current hour; refuses it when over `perHour`. */
  async take(operatorId: string, now: Date, perHour: number): Promise<void> {
    for (;;) {
      let lease = this.leases.get(operatorId);
      // A request still dated in the past hour, arriving once the new hour's lease exists, counts in the new hour.
      const window = Math.max(quotaWindow(now).getTime(), lease?.window ?? 0);
      if (!lease || lease.window !== window) {
        lease = { window, remaining: 0, exhausted: false };
        this.leases.set(operatorId, lease);
      }
      if (lease.remaining > 0) {
        lease.remaining--;
        return;
      }
      if (lease.exhausted) throw rateLimited(perHour, window, now);
      // Requests that find the lease spent together wait for one statement, then share what it brought.
      const current = lease;
      current.leasing ??= this.lease(operatorId, current, perHour).finally(() => (current.leasing = undefined));
      await current.leasing;
    }
  }

  private async lease(operatorId: string, lease: Lease, perHour: number): Promise<void> {
    const size = leaseSize(perHour);
    const [row]: { used: number }[] = await this.db.query(
      `INSERT INTO rate_limit_counters (operator_id, window_start, used) VALUES ($1, $2, $3)
       ON CONFLICT (operator_id, window_start) DO UPDATE SET used = rate_limit_counters.used + $3 RETURNING used`,
      [operatorId, new Date(lease.window), size],
    );
    const got = granted(row!.used, size, perHour);
    lease.remaining += got;
    if (got < size) lease.exhausted = true;
  }
}
