import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { handle } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { evaluationDecider, evaluationStream } from './evaluation';
import { RecordEvaluation } from './evaluations.commands';

@CommandHandler(RecordEvaluation)
export class RecordEvaluationHandler implements ICommandHandler<RecordEvaluation> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ evaluation, correlationId }: RecordEvaluation): Promise<{ evaluationId: string }> {
    const evaluationId = randomUUID();
    await handle(this.store, evaluationStream(evaluationId), evaluationDecider, { ...evaluation, evaluationId }, { correlationId });
    return { evaluationId };
  }
}
