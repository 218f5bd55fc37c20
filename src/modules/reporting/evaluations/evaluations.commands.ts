import { Command } from '@nestjs/cqrs';
import type { NewEvaluation } from './evaluation';

/** Record an evaluation by Disdukcapil under a new id (never edited: a correction is a new evaluation). */
export class RecordEvaluation extends Command<{ evaluationId: string }> {
  constructor(
    readonly evaluation: Omit<NewEvaluation, 'evaluationId'>,
    readonly correlationId: string | undefined,
  ) {
    super();
  }
}
