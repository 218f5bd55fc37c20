import { type Decider } from '../../../infrastructure/event-store/command-handling';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { looksLikeNikOrKk } from '../../../infrastructure/event-store/personal-data';
import { isEventOf } from '../../../infrastructure/event-store/typed-events';
import { Refusal } from '../../../infrastructure/refusal';
import type { Semester } from '../documents/report-data';
import { periodStart, semesterPeriod } from '../semester/semester';
import { BupatiLetterIssued } from './bupati-letter.events';

export const bupatiLetterStream = (year: number, semester: Semester) => `bupati-letter-${year}-${semester}`;

export interface LetterIssue {
  readonly year: number;
  readonly semester: Semester;
  readonly number: string;
  readonly actorId: string;
}

export interface LetterState {
  readonly number: string | null;
}

/**
 * The summary goes to the Bupati once, as a letter with its number. Issuing it again with the same number
 * is a no-op (a retried request); with another number it is refused: a number once sent is in the
 * Bupati's agenda and in Disdukcapil's letter book, and a different one would be a different letter.
 */
export const bupatiLetterDecider: Decider<LetterState, LetterIssue> = {
  initialState: { number: null },
  evolve: (state, event: RecordedEvent) => (isEventOf(BupatiLetterIssued, event) ? { number: event.data.number } : state),
  decide(command: LetterIssue, state: LetterState, now: Date): NewEvent[] {
    if (looksLikeNikOrKk(command.number))
      throw new Refusal(400, 'LETTER_NUMBER_INVALID', 'A letter number must not hold a NIK or KK number (or a run of 16 digits).');
    if (state.number === command.number) return [];
    if (state.number !== null) {
      throw new Refusal(409, 'BUPATI_LETTER_ALREADY_ISSUED', 'This summary was already sent under another number; a number once sent does not change.');
    }
    if (now < periodStart(semesterPeriod(command.year, command.semester))) {
      throw new Refusal(422, 'REPORT_PERIOD_NOT_STARTED', 'That semester has not started yet.');
    }
    const { year, semester, number, actorId } = command;
    return [{ type: BupatiLetterIssued.type, data: { year, semester, number, actorId } }];
  },
};
