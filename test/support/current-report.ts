import { realClock, whileProgressing, type WaitClock } from './until';

/** An answer as the suites hold one: supertest's (headers an object) or the gateway client's (fetch Headers). */
export interface ReportAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly text?: string;
  readonly headers?: unknown;
}

function codeOf(res: ReportAnswer): string | undefined {
  const body = res.body;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && typeof (body as { code?: unknown }).code === 'string')
    return (body as { code: string }).code;
  const raw = Buffer.isBuffer(body) ? body.toString('utf8') : res.text;
  try {
    return raw ? (JSON.parse(raw) as { code?: string }).code : undefined;
  } catch {
    return undefined; // a PDF, a workbook
  }
}

/** The documented answer while the figures, or the audit log under them, catch up: 503 REPORT_NOT_CURRENT. */
export const isReportNotCurrent = (res: ReportAnswer) => res.status === 503 && codeOf(res) === 'REPORT_NOT_CURRENT';

/** Its Retry-After, in ms (1 s when absent or unreadable). */
export function retryAfterMs(res: ReportAnswer): number {
  const headers = res.headers as { get?: (name: string) => string | null } | Record<string, string | undefined> | undefined;
  const value = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string | undefined> | undefined)?.['retry-after'];
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

/**
 * Asks for a report as a client does: the documented 503 REPORT_NOT_CURRENT is retried after its Retry-After,
 * every other answer handed back as it is (the test asserts it), or, with `status`, refused unless it has
 * that status. For a test that reads a report, not one that tests the 503. The retries end when the catching
 * up stalls: when `progress` (the reporting checkpoint, a count of events) has not moved for `stallMs`, or,
 * without one, after `stallMs` of 503s.
 */
export async function aCurrentReport<R extends ReportAnswer>(
  request: () => PromiseLike<R>,
  {
    what,
    status,
    stallMs = 60_000,
    progress,
    clock = realClock,
  }: { what: string; status?: number; stallMs?: number; progress?: () => unknown; clock?: WaitClock },
): Promise<R> {
  let attempts = 0;
  const res = await whileProgressing(
    async () => {
      const res = await request();
      if (!isReportNotCurrent(res)) return { done: res, progress: null };
      attempts++;
      await clock.sleep(retryAfterMs(res));
      return { done: null, progress: progress ? await progress() : 'REPORT_NOT_CURRENT' };
    },
    { what: `${what} (503 REPORT_NOT_CURRENT, retried)`, stallMs, everyMs: 0, clock },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; ${attempts} answers 503 REPORT_NOT_CURRENT`, { cause: error });
  });
  if (status !== undefined && res.status !== status) {
    const body = Buffer.isBuffer(res.body) ? res.body.toString('utf8').slice(0, 500) : JSON.stringify(res.body ?? res.text);
    throw new Error(`${what}: expected ${status}, answered ${res.status} ${body}`);
  }
  return res;
}
