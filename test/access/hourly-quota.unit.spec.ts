import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { HourlyQuota, leaseSize, quotaWindow, secondsToWindowEnd } from '../../src/modules/access/lookups/hourly-quota';

/**
 * The hourly quota per operator (LOOKUPS_PER_HOUR) against bulk harvesting, as gateway instances share it:
 * one counter in the database (here a map applying the statement's arithmetic: add what is asked, return
 * the total), each instance taking a few lookups at a time.
 */
function sharedCounter() {
  const counts = new Map<string, number>();
  let statements = 0;
  const db = {
    query: async (_sql: string, [operatorId, window, size]: [string, Date, number]) => {
      statements++;
      await Promise.resolve(); // answered later, as a database would
      const key = `${operatorId}|${window.toISOString()}`;
      counts.set(key, (counts.get(key) ?? 0) + size);
      return [{ used: counts.get(key)! }];
    },
  } as unknown as DataSource;
  return { instance: () => new HourlyQuota(db), statements: () => statements };
}

const outcome = (taking: Promise<void>) =>
  taking.then(
    () => 'served' as const,
    (refusal: { code?: string }) => refusal.code,
  );

describe('The hourly lookup quota per operator', () => {
  const hour = new Date('2026-12-07T03:10:00Z');

  it('serves exactly LOOKUPS_PER_HOUR lookups of an operator in an hour on one instance, then answers 429 RATE_LIMITED', async () => {
    const quota = sharedCounter().instance();
    const operator = randomUUID();
    const outcomes = [];
    for (let i = 0; i < 305; i++) outcomes.push(await outcome(quota.take(operator, hour, 300)));
    expect(outcomes.filter((o) => o === 'served')).toHaveLength(300);
    expect(outcomes.slice(300)).toEqual(Array(5).fill('RATE_LIMITED'));
  });

  it('tells a refused operator, in Retry-After, the whole seconds until the clock hour ends and the quota starts afresh', async () => {
    const quota = sharedCounter().instance();
    const operator = randomUUID();
    for (let i = 0; i < 3; i++) await quota.take(operator, hour, 3);
    await expect(quota.take(operator, new Date('2026-12-07T03:59:58.200Z'), 3)).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      details: { retryAfter: 2 },
    });
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }), (now) => {
        const wait = secondsToWindowEnd(quotaWindow(now).getTime(), now);
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(3600);
        // Waiting that long reaches the next window; a second less does not (unless only a second was left).
        expect(quotaWindow(new Date(now.getTime() + wait * 1000)).getTime()).toBeGreaterThan(quotaWindow(now).getTime());
        if (wait > 1) expect(quotaWindow(new Date(now.getTime() + (wait - 1) * 1000)).getTime()).toBe(quotaWindow(now).getTime());
      }),
    );
  });

  it('writes to the shared counter once per lease, not once per lookup', async () => {
    const counter = sharedCounter();
    const quota = counter.instance();
    for (let i = 0; i < 300; i++) await quota.take('op', hour, 300);
    expect(counter.statements()).toBe(300 / leaseSize(300));
  });

  it('starts again at the next clock hour', async () => {
    const quota = sharedCounter().instance();
    for (let i = 0; i < 3; i++) await quota.take('op', hour, 3);
    await expect(quota.take('op', hour, 3)).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    await expect(quota.take('op', new Date('2026-12-07T04:00:00Z'), 3)).resolves.toBeUndefined();
  });

  it('counts a request still dated in the past hour, arriving after the new hour began, in the new hour', async () => {
    const counter = sharedCounter();
    const quota = counter.instance();
    await quota.take('op', new Date('2026-12-07T04:00:00Z'), 300);
    await quota.take('op', new Date('2026-12-07T03:59:59.999Z'), 300); // a straggler: it does not throw the new hour's lease away
    await quota.take('op', new Date('2026-12-07T04:00:01Z'), 300);
    expect(counter.statements()).toBe(1);
  });

  it('counts each operator on its own', async () => {
    const quota = sharedCounter().instance();
    for (let i = 0; i < 2; i++) await quota.take('a', hour, 2);
    await expect(quota.take('a', hour, 2)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(quota.take('b', hour, 2)).resolves.toBeUndefined();
  });

  it('never serves more than LOOKUPS_PER_HOUR across instances, and at most a lease per other instance fewer, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        fc.boolean(),
        async (perHour, instances, picks, together) => {
          const counter = sharedCounter();
          const quotas = Array.from({ length: instances }, () => counter.instance());
          const takes = picks.map((pick) => () => outcome(quotas[pick % instances]!.take('op', hour, perHour)));
          const outcomes = together
            ? await Promise.all(takes.map((take) => take()))
            : await takes.reduce(async (done, take) => [...(await done), await take()], Promise.resolve([] as (string | undefined)[]));
          const served = outcomes.filter((o) => o === 'served').length;
          expect(served).toBeLessThanOrEqual(perHour);
          expect(served).toBeGreaterThanOrEqual(Math.min(picks.length, perHour - (instances - 1) * leaseSize(perHour)));
          if (instances === 1) expect(served).toBe(Math.min(picks.length, perHour));
        },
      ),
      { numRuns: 200 },
    );
  });
});
