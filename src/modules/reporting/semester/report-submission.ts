import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import type { Semester } from '../documents/report-data';
import { periodStart, semesterPeriod, submittedOnTime } from './semester';
import { isEventOf } from '../../../infrastructure/event-store/typed-events';
import { SemesterReportSubmitted } from './report-submission.events';

export const reportStream = (year: number, semester: Semester) => `report-${year}-S${semester}`;

export interface ReportSubmissions {
  readonly submissions: readonly { revision: number; pdfSha256: string; submittedAt: Date; onTime: boolean }[];
}

export interface SubmitReport {
  readonly year: number;
  readonly semester: Semester;
  readonly pdfSha256: string;
  readonly submittedBy: string;
}

export const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
export const base64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

/** The same PDF handed in twice records nothing new; a different one is a corrected revision. */
export const reportSubmissionDecider: Decider<ReportSubmissions, SubmitReport> = {
  initialState: { submissions: [] },

  evolve(state: ReportSubmissions, event: RecordedEvent): ReportSubmissions {
    if (!isEventOf(SemesterReportSubmitted, event)) return state;
    const d = event.data;
    return { submissions: [...state.submissions, { revision: d.revision, pdfSha256: d.pdfSha256, submittedAt: event.occurredAt, onTime: d.onTime }] };
  },

  decide(command: SubmitReport, state: ReportSubmissions, now: Date): NewEvent[] {
    const period = semesterPeriod(command.year, command.semester);
    if (now < periodStart(period)) throw new Refusal(422, 'REPORT_PERIOD_NOT_STARTED', `Semester ${command.semester} of ${command.year} has not started yet.`);
    const pdfSha256 = hexToBase64(command.pdfSha256);
    const latest = state.submissions[state.submissions.length - 1];
    if (latest?.pdfSha256 === pdfSha256) return [];
    return [
      {
        type: 'SemesterReportSubmitted',
        data: {
          year: command.year,
          semester: command.semester,
          revision: state.submissions.length + 1,
          pdfSha256,
          submittedBy: command.submittedBy,
          dueOn: period.dueOn,
          onTime: submittedOnTime(period, now),
        },
      },
    ];
  },
};
