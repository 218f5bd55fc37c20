import { Refusal } from '../../../infrastructure/refusal';

/**
 * Admission of sign-ins, before any work: at most `attemptsPerMinute` per client address (a sliding
 * minute, in memory, at most 10,000 addresses remembered), and at most `maxWaiting` sign-ins in flight,
 * each of which hashes once, one hashing at a time (passwords.ts). Past either, the answer comes at once.
 * In memory, no state of record: SignInHandler asks it first, before anything is read or hashed.
 */
export class SignInAdmission {
  private readonly recent = new Map<string, number[]>();
  private inFlight = 0;

  constructor(
    private readonly attemptsPerMinute: number,
    private readonly maxWaiting: number,
  ) {}

  /** A release function, or the refusal to answer with (and after how many seconds to retry). */
  admit(source: string, now = Date.now()): { release: () => void } | { refused: Refusal; retryAfter: number } {
    const times = (this.recent.get(source) ?? []).filter((t) => t > now - 60_000);
    if (times.length >= this.attemptsPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((times[0]! + 60_000 - now) / 1000));
      return { refused: new Refusal(429, 'SIGN_IN_RATE_LIMITED', 'Too many sign-in attempts from this address; wait a minute.', { retryAfter }), retryAfter };
    }
    if (this.inFlight >= this.maxWaiting) {
      return { refused: new Refusal(503, 'SIGN_IN_BUSY', 'Too many sign-ins at once; try again in a moment.', { retryAfter: 1 }), retryAfter: 1 };
    }
    times.push(now);
    this.recent.delete(source); // re-inserted last: the map's order is oldest use first
    this.recent.set(source, times);
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value!);
    this.inFlight++;
    let released = false;
    return {
      release: () => {
        if (!released) this.inFlight--;
        released = true;
      },
    };
  }
}
