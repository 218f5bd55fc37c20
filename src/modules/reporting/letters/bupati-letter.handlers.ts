import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handle } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { bupatiLetterDecider, bupatiLetterStream } from './bupati-letter';
import { IssueBupatiLetter } from './bupati-letter.commands';

@CommandHandler(IssueBupatiLetter)
export class IssueBupatiLetterHandler implements ICommandHandler<IssueBupatiLetter> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ issue, now, correlationId }: IssueBupatiLetter) {
    const { events } = await handle(this.store, bupatiLetterStream(issue.year, issue.semester), bupatiLetterDecider, issue, {
      now: () => now,
      correlationId,
    });
    return { recorded: events.length > 0, year: issue.year, semester: issue.semester, number: issue.number };
  }
}
