import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/refusal';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { evaluationDecider } from '../../src/modules/reporting/evaluations/evaluation';
import { flagUnusualDays, median } from '../../src/modules/reporting/compliance/unusual-activity';
import { base64ToHex, reportSubmissionDecider, type ReportSubmissions } from '../../src/modules/reporting/semester/report-submission';
import { semesterOf, semesterPeriod } from '../../src/modules/reporting/semester/semester';

const admin = randomUUID();
const sha = (c: string) => c.repeat(64);
const stored = (type: string, data: Record<string, unknown>, at: Date): RecordedEvent =>
  ({ eventId: randomUUID(), type, schemaVersion: 1, streamId: 'report-2025-S1', revision: 0n, globalPosition: { commit: 1n, prepare: 1n }, occurredAt: at, correlationId: null, causationId: null, data });

function given(events: RecordedEvent[]): ReportSubmissions {
  return events.reduce(reportSubmissionDecider.evolve, reportSubmissionDecider.initialState);
}

describe('Handing in the semester report (Pasal 9(1))', () => {
  it('is on time through 30 June 23:59:59 WIB for semester I, and late one millisecond after', () => {
    const submit = { year: 2025, semester: 1 as const, pdfSha256: sha('a'), submittedBy: admin };
    const [onTime] = reportSubmissionDecider.decide(submit, given([]), new Date('2025-06-30T16:59:59.999Z'));
    const [late] = reportSubmissionDecider.decide(submit, given([]), new Date('2025-06-30T17:00:00.000Z'));
    expect(onTime!.data).toMatchObject({ revision: 1, dueOn: '2025-06-30', onTime: true });
    expect(late!.data).toMatchObject({ onTime: false });
  });

  it('is due by 31 December for semester II', () => {
    expect(semesterPeriod(2025, 2)).toMatchObject({ from: '2025-07-01', to: '2025-12-31', dueOn: '2025-12-31' });
    expect(semesterOf(new Date('2025-06-30T17:00:00Z'))).toEqual({ year: 2025, semester: 2 }); // 1 July 00:00 WIB
  });

  it('records nothing again when the same document is handed in twice, and a corrected one as revision 2', () => {
    const at = new Date('2025-06-20T03:00:00Z');
    const [first] = reportSubmissionDecider.decide({ year: 2025, semester: 1, pdfSha256: sha('a'), submittedBy: admin }, given([]), at);
    const history = [stored(first!.type, first!.data, at)];
    expect(reportSubmissionDecider.decide({ year: 2025, semester: 1, pdfSha256: sha('a'), submittedBy: admin }, given(history), at)).toEqual([]);
    const [corrected] = reportSubmissionDecider.decide({ year: 2025, semester: 1, pdfSha256: sha('b'), submittedBy: admin }, given(history), at);
    expect(corrected!.data).toMatchObject({ revision: 2 });
  });

  it('refuses a semester that has not started yet', () => {
    expect(() => reportSubmissionDecider.decide({ year: 2026, semester: 2, pdfSha256: sha('c'), submittedBy: admin }, given([]), new Date('2026-06-01T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'REPORT_PERIOD_NOT_STARTED' }),
    );
  });

  it('keeps the digest in base64 in the event (a hex digest can look like a NIK) and gives it back as hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const hex = Buffer.from(bytes).toString('hex');
        const [event] = reportSubmissionDecider.decide({ year: 2025, semester: 1, pdfSha256: hex, submittedBy: admin }, given([]), new Date('2025-03-01T00:00:00Z'));
        const kept = (event!.data as { pdfSha256: string }).pdfSha256;
        expect(kept).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        expect(base64ToHex(kept)).toBe(hex);
      }),
    );
  });
});

describe('Recording an evaluation (Pasal 9(2)-(3))', () => {
  const auditorId = randomUUID();
  it('needs the semester of a periodic evaluation, but not of an ad-hoc one', () => {
    expect(() =>
      evaluationDecider.decide({ evaluationId: randomUUID(), kind: 'PERIODIC', auditorId, findings: [{ obligation: 'BALIKAN', finding: 'MET' }] }, evaluationDecider.initialState, new Date()),
    ).toThrow(expect.objectContaining({ code: 'EVALUATION_PERIOD_REQUIRED' }));
    const [event] = evaluationDecider.decide({ evaluationId: randomUUID(), kind: 'AD_HOC', auditorId, findings: [{ obligation: 'CLOSED_NETWORK', finding: 'PARTIAL', note: 'Dua Puskesmas memakai jaringan umum' }] }, evaluationDecider.initialState, new Date());
    expect(event!.data).toMatchObject({ kind: 'AD_HOC', findings: [{ obligation: 'CLOSED_NETWORK', finding: 'PARTIAL', note: 'Dua Puskesmas memakai jaringan umum' }] });
  });

  it('refuses half a period, and a semester that has not started', () => {
    const findings = [{ obligation: 'BALIKAN' as const, finding: 'MET' as const }];
    const decide = (year: number | undefined, semester: 1 | 2 | undefined) => () =>
      evaluationDecider.decide({ evaluationId: randomUUID(), kind: 'AD_HOC', year, semester, auditorId, findings }, evaluationDecider.initialState, new Date('2025-05-01T00:00:00Z'));
    expect(decide(2025, undefined)).toThrow(expect.objectContaining({ code: 'EVALUATION_PERIOD_INCOMPLETE' }));
    expect(decide(2025, 2)).toThrow(expect.objectContaining({ code: 'EVALUATION_PERIOD_NOT_STARTED' }));
    expect(decide(2025, 1)()).toHaveLength(1);
  });

  it('refuses two findings on the same obligation', () => {
    const findings = [
      { obligation: 'BALIKAN' as const, finding: 'MET' as const },
      { obligation: 'BALIKAN' as const, finding: 'NOT_MET' as const },
    ];
    expect(() => evaluationDecider.decide({ evaluationId: randomUUID(), kind: 'AD_HOC', auditorId, findings }, evaluationDecider.initialState, new Date())).toThrow(Refusal);
  });
});

describe('Flagging unusual operator activity', () => {
  const days = (counts: number[]) => counts.map((accesses, i) => ({ day: `2025-03-${String(i + 1).padStart(2, '0')}`, accesses }));

  it('flags a day above the daily limit, whatever the history', () => {
    expect(flagUnusualDays(days([151]), 150)[0]!.reasons).toEqual(['ABOVE_DAILY_LIMIT']);
    expect(flagUnusualDays(days([150]), 150)[0]!.reasons).toEqual([]);
  });

  it("flags a day more than three times the operator's own median once there are five earlier days", () => {
    const flagged = flagUnusualDays(days([10, 12, 8, 11, 9, 40]), 150);
    expect(flagged[5]).toMatchObject({ median: 10, reasons: ['FAR_ABOVE_OWN_MEDIAN'] });
    expect(flagUnusualDays(days([10, 12, 8, 11, 40]), 150)[4]!.reasons).toEqual([]); // four earlier days: too little history
    expect(flagUnusualDays(days([2, 2, 2, 2, 2, 7]), 150)[5]!.reasons).toEqual([]); // under 20 accesses: not a finding
  });

  it('never flags a day at or under both the limit and three times the median (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 28 }), fc.integer({ min: 1, max: 300 }), (counts, limit) => {
        for (const [i, day] of flagUnusualDays(days(counts), limit).entries()) {
          const history = counts.slice(0, i);
          const overMedian = history.length >= 5 && day.accesses >= 20 && day.accesses > 3 * median(history);
          expect(day.reasons.length > 0).toBe(day.accesses > limit || overMedian);
        }
      }),
    );
  });
});
