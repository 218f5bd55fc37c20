import { Command } from '@nestjs/cqrs';
import type { LetterIssue } from './bupati-letter';

/** Record that the Bupati summary of a semester was sent as a letter with this number (201; 200 when already, with it). */
export class IssueBupatiLetter extends Command<{ recorded: boolean; year: number; semester: number; number: string }> {
  constructor(
    readonly issue: LetterIssue,
    readonly now: Date,
    readonly correlationId: string | undefined,
  ) {
    super();
  }
}
