import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/refusal';
import { evaluationDecider } from '../../src/modules/reporting/evaluations/evaluation';
import { flagUnusualDays, median } from '../../src/modules/reporting/compliance/unusual-activity';
import { base64ToHex, reportSubmissionDecider } from '../../src/modules/reporting/semester/report-submission';
import { semesterOf, semesterPeriod } from '../../src/modules/reporting/semester/semester';
import { deciderSpec } from '../support/decider-spec';

const admin = randomUUID();
const sha = (c: string) => c.repeat(64);
describe('Handing in the semester report (Pasal 9(1))', () => {
  const submissions = deciderSpec(reportSubmissionDecider, { streamId: 'report-2025-S1' });
  const submit = (pdfSha256: string, year = 2025, semester: 1 | 2 = 1) => ({ year, semester, pdfSha256, submittedBy: admin });

  it('is on time through 30 June 23:59:59 WIB for semester I, and late one millisecond after', () => {
    submissions
      .given()
      .when(submit(sha('a')), new Date('2025-06-30T16:59:59.999Z'))
      .thenMatching({ type: 'SemesterReportSubmitted', data: { revision: 1, dueOn: '2025-06-30', onTime: true } });
    submissions
      .given()
      .when(submit(sha('a')), new Date('2025-06-30T17:00:00.000Z'))
      .thenMatching({ type: 'SemesterReportSubmitted', data: { onTime: false } });
  });

  it('is due by 31 December for semester II', () => {
    expect(semesterPeriod(2025, 2)).toMatchObject({ from: '2025-07-01', to: '2025-12-31', dueOn: '2025-12-31' });
    expect(semesterOf(new Date('2025-06-30T17:00:00Z'))).toEqual({ year: 2025, semester: 2 }); // 1 July 00:00 WIB
  });

  it('records nothing again when the same document is handed in twice, and a corrected one as revision 2', () => {
    const at = new Date('2025-06-20T03:00:00Z');
    const { history } = submissions.given().when(submit(sha('a')), at);
    submissions
      .given(...history)
      .when(submit(sha('a')), at)
      .thenNothing();
    submissions
      .given(...history)
      .when(submit(sha('b')), at)
      .thenMatching({ type: 'SemesterReportSubmitted', data: { revision: 2 } });
  });

  it('refuses a semester that has not started yet', () => {
    submissions
      .given()
      .when(submit(sha('c'), 2026, 2), new Date('2026-06-01T00:00:00Z'))
      .thenRefused('REPORT_PERIOD_NOT_STARTED');
  });

  it('keeps the digest in base64 in the event (a hex digest can look like a NIK) and gives it back as hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const hex = Buffer.from(bytes).toString('hex');
        const [event] = submissions.given().when(submit(hex), new Date('2025-03-01T00:00:00Z')).events;
        const kept = (event!.data as { pdfSha256: string }).pdfSha256;
        expect(kept).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        expect(base64ToHex(kept)).toBe(hex);
      }),
    );
  });
});

describe('Recording an evaluation (Pasal 9(2)-(3))', () => {
  const auditorId = randomUUID();
  const evaluations = deciderSpec(evaluationDecider);

  it('needs the semester of a periodic evaluation, but not of an ad-hoc one', () => {
    evaluations
      .given()
      .when({ evaluationId: randomUUID(), kind: 'PERIODIC', auditorId, findings: [{ obligation: 'BALIKAN', finding: 'MET' }] })
      .thenRefused('EVALUATION_PERIOD_REQUIRED');
    evaluations
      .given()
      .when({
        evaluationId: randomUUID(),
        kind: 'AD_HOC',
        auditorId,
        findings: [{ obligation: 'CLOSED_NETWORK', finding: 'PARTIAL', note: 'Dua Puskesmas memakai jaringan umum' }],
      })
      .thenMatching({
        type: 'EvaluationRecorded',
        data: { kind: 'AD_HOC', findings: [{ obligation: 'CLOSED_NETWORK', finding: 'PARTIAL', note: 'Dua Puskesmas memakai jaringan umum' }] },
      });
  });

  it('refuses half a period, and a semester that has not started', () => {
    const findings = [{ obligation: 'BALIKAN' as const, finding: 'MET' as const }];
    const record = (year: number | undefined, semester: 1 | 2 | undefined) =>
      evaluations.given().when({ evaluationId: randomUUID(), kind: 'AD_HOC', year, semester, auditorId, findings }, new Date('2025-05-01T00:00:00Z'));
    record(2025, undefined).thenRefused('EVALUATION_PERIOD_INCOMPLETE');
    record(2025, 2).thenRefused('EVALUATION_PERIOD_NOT_STARTED');
    expect(record(2025, 1).events).toHaveLength(1);
  });

  it('refuses two findings on the same obligation', () => {
    const findings = [
      { obligation: 'BALIKAN' as const, finding: 'MET' as const },
      { obligation: 'BALIKAN' as const, finding: 'NOT_MET' as const },
    ];
    expect(evaluations.given().when({ evaluationId: randomUUID(), kind: 'AD_HOC', auditorId, findings }).refusal).toBeInstanceOf(Refusal);
  });

  it('refuses a note that holds a NIK or KK number (or a number that looks like one), before anything else is checked', () => {
    const note = (text: string) => [{ obligation: 'CONFIDENTIALITY' as const, finding: 'NOT_MET' as const, note: text }];
    evaluations
      .given()
      .when({ evaluationId: randomUUID(), kind: 'AD_HOC', auditorId, findings: note('Bocor: NIK 3313014107850002 di papan') })
      .thenRefused('NOTE_PERSONAL_DATA', 422);
    evaluations
      .given()
      .when({ evaluationId: randomUUID(), kind: 'PERIODIC', auditorId, findings: note('KK 3313010101010001') })
      .thenRefused('NOTE_PERSONAL_DATA', 422);
    evaluations
      .given()
      .when({ evaluationId: randomUUID(), kind: 'AD_HOC', auditorId, findings: note('Dua loket menyimpan fotokopi KTP') })
      .thenTypes('EvaluationRecorded');
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
