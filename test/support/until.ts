/**
 * Polls until a probe holds, and hands back what it found: the one way a test waits for something another
 * part of the system makes true (a projection catching up, a worker delivering, a process starting).
 * Polling a condition is fine; a fixed sleep is not. A probe answers a value, or false/undefined/null for
 * "not yet"; one that throws fails at once. Past `timeoutMs` it fails naming `what` was awaited.
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  { what, timeoutMs = 10_000, everyMs = 25 }: { what: string; timeoutMs?: number; everyMs?: number },
): Promise<Exclude<T, false | undefined | null>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== false && value !== undefined && value !== null) return value as Exclude<T, false | undefined | null>;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Time as the waits below see it: real by default, scripted in their own specs. */
export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: WaitClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * The hang guard of a wait on progress: long enough that only a hung test meets it, never a slow machine.
 * A jest timeout around such a wait is `JEST_HANG_GUARD_MS`, so the wait fails first, saying what stalled.
 */
export const HANG_GUARD_MS = 20 * 60_000;
export const JEST_HANG_GUARD_MS = HANG_GUARD_MS + 2 * 60_000;

/** One look at a long piece of work: its result once there (falsy: not yet), and how far it has come. */
export interface Progress<T> {
  readonly done: T | false | undefined | null;
  /** A count, an output length, a status: any change (compared as JSON) counts as progress. */
  readonly progress: unknown;
}

export interface ProgressOptions {
  /** What the test waits for, named in the failure. */
  readonly what: string;
  /** Fails once the measure has not changed for this long: the work stalled. */
  readonly stallMs?: number;
  /** Fails past this however it progresses: a runaway (a count that never ends). */
  readonly hangMs?: number;
  readonly everyMs?: number;
  readonly clock?: WaitClock;
}

/**
 * Waits while long work progresses, as `until` waits for a condition, but without a budget for the whole:
 * on a busy machine the work takes longer, yet it moves. It fails only when the measure stood still for
 * `stallMs` (naming what stalled and where it stood), or, as a guard against a hang, past `hangMs`.
 */
export async function whileProgressing<T>(
  probe: () => Progress<T> | Promise<Progress<T>>,
  { what, stallMs = 60_000, hangMs = HANG_GUARD_MS, everyMs = 100, clock = realClock }: ProgressOptions,
): Promise<Exclude<T, false | undefined | null>> {
  const started = clock.now();
  let seen: string | undefined;
  let movedAt = started;
  for (;;) {
    const { done, progress } = await probe();
    if (done !== false && done !== undefined && done !== null) return done as Exclude<T, false | undefined | null>;
    const at = clock.now();
    const measure = JSON.stringify(progress) ?? 'undefined';
    if (measure !== seen) {
      seen = measure;
      movedAt = at;
    } else if (at - movedAt >= stallMs) {
      throw new Error(`${what}: no progress for ${(at - movedAt) / 1000} s, stalled at ${measure}`);
    }
    if (at - started >= hangMs) throw new Error(`${what}: not done after ${(at - started) / 1000} s though still moving (hang guard), at ${measure}`);
    await clock.sleep(everyMs);
  }
}
