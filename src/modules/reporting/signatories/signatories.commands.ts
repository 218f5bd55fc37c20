import { Command } from '@nestjs/cqrs';
import type { Appointment } from './signatory';

/** Record who signs for the caller's party from a day on (201; 200 when that official is already in force). */
export class AppointSignatory extends Command<{ recorded: boolean; party: string; effectiveFrom: string }> {
  constructor(
    readonly appointment: Appointment,
    readonly correlationId: string | undefined,
  ) {
    super();
  }
}
