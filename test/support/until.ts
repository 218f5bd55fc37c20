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
