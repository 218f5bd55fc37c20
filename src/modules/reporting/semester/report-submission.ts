import type { EventDefinition } from '../../../infrastructure/event-store/event-schemas';
import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import type { Semester } from '../documents/report-data';
import { periodStart, semesterPeriod, submittedOnTime } from './semester';

/**
 * A semester report handed in (Pasal 9(1)), pinned by the SHA-256 of its PDF. The digest is kept in
 * base64: a hex digest has 16 decimal digits in a row often enough (about 1 in 40) to look like a NIK.
 */
export const reportEvents: EventDefinition[] = [
  {
    type: 'SemesterReportSubmitted',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['year', 'semester', 'revision', 'pdfSha256', 'submittedBy', 'dueOn', 'onTime'],
      properties: {
        year: { type: 'integer', minimum: 2022, maximum: 2100 },
        semester: { type: 'integer', enum: [1, 2] },
        /** 1 for the first submission, 2 for a corrected one, ... */
        revision: { type: 'integer', minimum: 1, maximum: 1000 },
        pdfSha256: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
        submittedBy: { type: 'string', format: 'uuid' },
        dueOn: { type: 'string', format: 'date' },
        onTime: { type: 'boolean' },
      },
    },
  },
];

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
    if (event.type !== 'SemesterReportSubmitted') return state;
    const d = event.data as { revision: number; pdfSha256: string; onTime: boolean };
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
