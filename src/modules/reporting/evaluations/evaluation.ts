import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { looksLikeNikOrKk } from '../../../infrastructure/event-store/personal-data';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import type { Finding, Semester } from '../documents/report-data';
import { periodStart, semesterPeriod } from '../semester/semester';
import { isEventOf } from '../../../infrastructure/event-store/typed-events';
import { EvaluationRecorded, type EvaluationKind, type ObligationCode } from './evaluation.events';

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
  evolve: (state: { recorded: boolean }, event: RecordedEvent) => (isEventOf(EvaluationRecorded, event) ? { recorded: true } : state),
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
    const findings = command.findings.map((f) =>
      f.note ? { obligation: f.obligation, finding: f.finding, note: f.note } : { obligation: f.obligation, finding: f.finding },
    );
    const period = command.year !== undefined && command.semester !== undefined ? { year: command.year, semester: command.semester } : {};
    return [
      { type: 'EvaluationRecorded', data: { evaluationId: command.evaluationId, kind: command.kind, ...period, auditorId: command.auditorId, findings } },
    ];
  },
};
