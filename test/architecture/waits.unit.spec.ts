import fc from 'fast-check';
import { aCurrentReport, isReportNotCurrent, retryAfterMs } from '../support/current-report';
import { whileProgressing, type WaitClock } from '../support/until';

/** A clock the test moves: sleeping advances it, and a probe may take time of its own. */
function scriptedClock() {
  let now = 0;
  const slept: number[] = [];
  const clock: WaitClock = {
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
  return { clock, slept, advance: (ms: number) => (now += ms), at: () => now };
}

/** One look at the work: how long it took, and whether the measure moved since the last look. */
const look = fc.record({ costMs: fc.integer({ min: 0, max: 5_000 }), moves: fc.boolean() });

describe('Waiting while long work progresses, not against a budget for the whole', () => {
  const stallMs = 10_000;
  const everyMs = 100;

  it('waits for work that takes many times the stall guard, as long as it moves', async () => {
    const { clock, at } = scriptedClock();
    let count = 0;
    const done = await whileProgressing(() => ({ done: count >= 600 && `${count} delivered`, progress: count++ }), {
      what: 'all delivered',
      stallMs,
      everyMs: 1_000,
      clock,
    });
    expect(done).toBe('600 delivered');
    expect(at()).toBeGreaterThan(50 * stallMs);
  });

  it('fails once the measure has stood still for the stall guard, naming what stalled and where it stood', async () => {
    const { clock, at } = scriptedClock();
    let count = 0;
    await expect(
      whileProgressing(() => ({ done: false, progress: { delivered: Math.min(count++, 7) } }), { what: 'all 200 delivered', stallMs, everyMs, clock }),
    ).rejects.toThrow(/^all 200 delivered: no progress for 10(\.\d+)? s, stalled at \{"delivered":7\}/);
    expect(at()).toBeLessThan(7 * everyMs + stallMs + 2 * everyMs);
  });

  it('fails past the hang guard however the measure moves, and says it was still moving', async () => {
    const { clock } = scriptedClock();
    let count = 0;
    await expect(whileProgressing(() => ({ done: null, progress: count++ }), { what: 'the count', stallMs, hangMs: 60_000, everyMs, clock })).rejects.toThrow(
      /^the count: not done after 60(\.\d+)? s though still moving \(hang guard\), at \d+/,
    );
  });

  it('fails at once when a look throws', async () => {
    const { clock } = scriptedClock();
    await expect(
      whileProgressing(
        () => {
          throw new Error('the gateway exited');
        },
        { what: 'x', clock },
      ),
    ).rejects.toThrow('the gateway exited');
  });

  it('resolves exactly when no look that did not move came a stall guard or more after the last move (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(look, { minLength: 1, maxLength: 40 }), async (looks) => {
        const { clock, advance, at } = scriptedClock();
        // The definition, from the schedule: the time of each look, and the last moment the measure moved.
        const times: number[] = [];
        let t = 0;
        for (const l of looks) {
          t += l.costMs;
          times.push(t);
          t += everyMs;
        }
        let movedAt = times[0]!;
        let stalledAt = -1;
        for (let i = 1; i < looks.length - 1 && stalledAt < 0; i++) {
          if (looks[i]!.moves) movedAt = times[i]!;
          else if (times[i]! - movedAt >= stallMs) stalledAt = i;
        }
        let i = 0;
        let measure = 0;
        const waited = whileProgressing(
          () => {
            const l = looks[i]!;
            advance(l.costMs);
            if (i > 0 && l.moves) measure++;
            const last = i++ === looks.length - 1;
            return { done: last && 'done', progress: measure };
          },
          { what: 'the work', stallMs, everyMs, clock },
        );
        if (stalledAt < 0) {
          await expect(waited).resolves.toBe('done');
        } else {
          await expect(waited).rejects.toThrow(/^the work: no progress for/);
          expect(at()).toBe(times[stalledAt]);
        }
      }),
    );
  });
});

describe('Reading a report as a client does: 503 REPORT_NOT_CURRENT is retried after its Retry-After', () => {
  const notCurrent = (retryAfter = '5') => ({ status: 503, body: { code: 'REPORT_NOT_CURRENT' }, headers: { 'retry-after': retryAfter } });

  it('knows the documented answer in every shape a suite holds it: a parsed body, a raw PDF-route body, fetch headers', () => {
    expect(isReportNotCurrent(notCurrent())).toBe(true);
    expect(isReportNotCurrent({ status: 503, body: Buffer.from(JSON.stringify({ code: 'REPORT_NOT_CURRENT' })) })).toBe(true);
    expect(isReportNotCurrent({ status: 503, body: {}, text: JSON.stringify({ code: 'REPORT_NOT_CURRENT' }) })).toBe(true);
    expect(isReportNotCurrent({ status: 503, body: { code: 'EVENT_STORE_UNAVAILABLE' } })).toBe(false);
    expect(isReportNotCurrent({ status: 409, body: { code: 'REPORT_NOT_CURRENT' } })).toBe(false);
    expect(isReportNotCurrent({ status: 200, body: Buffer.from('%PDF-1.7') })).toBe(false);
    expect(retryAfterMs({ status: 503, headers: new Headers({ 'retry-after': '5' }) })).toBe(5_000);
    expect(retryAfterMs(notCurrent('2'))).toBe(2_000);
    expect(retryAfterMs({ status: 503, headers: {} })).toBe(1_000);
  });

  it('retries the 503 after each Retry-After and hands back the report', async () => {
    const { clock, slept } = scriptedClock();
    const answers = [notCurrent(), notCurrent('3'), { status: 200, body: { totals: {} } }];
    const res = await aCurrentReport(async () => answers.shift()!, { what: 'the report', clock });
    expect(res.status).toBe(200);
    expect(slept.filter((ms) => ms > 0)).toEqual([5_000, 3_000]);
  });

  it('hands back any other answer as it is, for the test to assert: a 500 is never retried', async () => {
    const { clock } = scriptedClock();
    let calls = 0;
    const res = await aCurrentReport(async () => (calls++, { status: 500, body: { code: 'INTERNAL' } }), { what: 'the report', clock });
    expect([res.status, calls]).toEqual([500, 1]);
  });

  it('gives up once the 503s have lasted the stall guard, saying how many it had', async () => {
    const { clock } = scriptedClock();
    await expect(aCurrentReport(async () => notCurrent(), { what: 'the semester report', stallMs: 30_000, clock })).rejects.toThrow(
      /^the semester report \(503 REPORT_NOT_CURRENT, retried\): no progress for 30 s.*; 7 answers 503 REPORT_NOT_CURRENT$/,
    );
  });

  it('keeps retrying while the reporting checkpoint moves, however long that takes', async () => {
    const { clock } = scriptedClock();
    let checkpoint = 0;
    const res = await aCurrentReport(async () => (checkpoint < 40 ? notCurrent() : { status: 200, body: {} }), {
      what: 'the report',
      stallMs: 10_000,
      progress: () => checkpoint++,
      clock,
    });
    expect(res.status).toBe(200);
  });
});
