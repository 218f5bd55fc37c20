import type { EventDefinition } from '../../../infrastructure/event-store/event-schemas';
import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { looksLikeNikOrKk } from '../../../infrastructure/event-store/personal-data';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import type { Finding, Semester } from '../documents/report-data';
import { periodStart, semesterPeriod } from '../semester/semester';

/** What Disdukcapil evaluates (Pasal 3(2) obligations of Dinkes and the report of Pasal 9(1)). */
export const OBLIGATION_CODES = ['BALIKAN', 'ACCOUNTABILITY', 'CLOSED_NETWORK', 'ALL_HOLDERS', 'CARD_READERS', 'CONFIDENTIALITY', 'SEMESTER_REPORT'] as const;
export type ObligationCode = (typeof OBLIGATION_CODES)[number];
export const FINDINGS = ['MET', 'PARTIAL', 'NOT_MET'] as const;
export const EVALUATION_KINDS = ['PERIODIC', 'AD_HOC'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];
export const NOTE_MAX_LENGTH = 280;

export const evaluationEvents: EventDefinition[] = [
  {
    type: 'EvaluationRecorded',
    version: 1,
    description: 'An evaluation by Disdukcapil (Pasal 9(2)-(3)). Notes are short free text; the NIK/KK scan still applies.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['evaluationId', 'kind', 'auditorId', 'findings'],
      properties: {
        evaluationId: { type: 'string', format: 'uuid' },
        kind: { type: 'string', enum: EVALUATION_KINDS },
        year: { type: 'integer', minimum: 2022, maximum: 2100 },
        semester: { type: 'integer', enum: [1, 2] },
        auditorId: { type: 'string', format: 'uuid' },
        findings: {
          type: 'array',
          minItems: 1,
          maxItems: OBLIGATION_CODES.length,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['obligation', 'finding'],
            properties: {
              obligation: { type: 'string', enum: OBLIGATION_CODES },
              finding: { type: 'string', enum: FINDINGS },
              note: { type: 'string', 'x-free-text': true, maxLength: NOTE_MAX_LENGTH },
            },
          },
        },
      },
    },
  },
];

export const evaluationStream = (evaluationId: string) => `evaluation-${evaluationId}`;

/** What the decider is asked to record (the bus command RecordEvaluation carries it). */
export interface NewEvaluation {
  readonly evaluationId: string;
  readonly kind: EvaluationKind;
  readonly year?: number;
  readonly semester?: Semester;
  readonly auditorId: string;
  readonly findings: readonly { obligation: ObligationCode; finding: Finding; note?: string }[];
}

/** An evaluation is recorded once and never edited: a correction is a new evaluation. */
export const evaluationDecider: Decider<{ recorded: boolean }, NewEvaluation> = {
  initialState: { recorded: false },
  evolve: (state: { recorded: boolean }, event: RecordedEvent) => (event.type === 'EvaluationRecorded' ? { recorded: true } : state),
  decide(command: NewEvaluation, state: { recorded: boolean }, now: Date): NewEvent[] {
    if (command.findings.some((f) => f.note !== undefined && looksLikeNikOrKk(f.note))) {
      throw new Refusal(422, 'NOTE_PERSONAL_DATA', 'A note must not hold a NIK or KK number (or any number that looks like one).');
    }
    if (state.recorded) return [];
    if ((command.year === undefined) !== (command.semester === undefined)) {
      throw new Refusal(422, 'EVALUATION_PERIOD_INCOMPLETE', 'Give both the year and the semester, or neither.');
    }
    if (command.kind === 'PERIODIC' && command.year === undefined) {
      throw new Refusal(422, 'EVALUATION_PERIOD_REQUIRED', 'A periodic evaluation names the year and semester it evaluates.');
    }
    if (command.year !== undefined && now < periodStart(semesterPeriod(command.year, command.semester!))) {
      throw new Refusal(422, 'EVALUATION_PERIOD_NOT_STARTED', 'That semester has not started yet.');
    }
    const obligations = command.findings.map((f) => f.obligation);
    if (new Set(obligations).size !== obligations.length) throw new Refusal(422, 'EVALUATION_DUPLICATE_FINDING', 'Give one finding per obligation.');
    const findings = command.findings.map((f) => (f.note ? { obligation: f.obligation, finding: f.finding, note: f.note } : { obligation: f.obligation, finding: f.finding }));
    const period = command.year !== undefined && command.semester !== undefined ? { year: command.year, semester: command.semester } : {};
    return [{ type: 'EvaluationRecorded', data: { evaluationId: command.evaluationId, kind: command.kind, ...period, auditorId: command.auditorId, findings } }];
  },
};
