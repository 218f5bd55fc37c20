import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handle } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { AppointSignatory } from './signatories.commands';
import { signatoryDecider, signatoryStream } from './signatory';

@CommandHandler(AppointSignatory)
export class AppointSignatoryHandler implements ICommandHandler<AppointSignatory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ appointment, correlationId }: AppointSignatory) {
    const { state, events } = await handle(this.store, signatoryStream(appointment.party), signatoryDecider, appointment, { correlationId });
    return { recorded: events.length > 0, party: appointment.party, effectiveFrom: state.latest!.effectiveFrom };
  }
}
