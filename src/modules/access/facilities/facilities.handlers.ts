import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { WrongExpectedRevisionError } from '../../../infrastructure/event-store/errors';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../../infrastructure/refusal';
import { RegisterCardReader, RegisterFacility, RetireCardReader } from './facilities.commands';
import { cardReaderDecider, facilityCodeStream, facilityDecider, facilityStream, readerStream, type CardReader, type Facility } from './facility';

@CommandHandler(RegisterFacility)
export class RegisterFacilityHandler implements ICommandHandler<RegisterFacility, Facility> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ kind, code, name, kecamatanCode, actorId, correlationId }: RegisterFacility): Promise<Facility> {
    const facilityId = randomUUID();
    // The code is claimed on its own stream first: of two registrations with one code, one fails here.
    try {
      await this.store.appendToStream(facilityCodeStream(code), [{ type: 'FacilityCodeReserved', data: { code, facilityId, actorId }, correlationId }], {
        expectedRevision: 'no_stream',
      });
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw new Refusal(409, 'FACILITY_CODE_USED', 'Another facility has this code.');
      throw error;
    }
    const command = { kind: 'register' as const, facilityId, facilityKind: kind, code, name, kecamatanCode, actorId };
    return (await handle(this.store, facilityStream(facilityId), facilityDecider, command, { correlationId })).state;
  }
}

@CommandHandler(RegisterCardReader)
export class RegisterCardReaderHandler implements ICommandHandler<RegisterCardReader, CardReader> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ facilityId, samSerial, actorId, correlationId }: RegisterCardReader): Promise<CardReader> {
    // The reader's decider checks the facility it is registered to: a Puskesmas that exists.
    const { state: facility } = await loadState(this.store, facilityStream(facilityId), facilityDecider);
    const readerId = randomUUID();
    return (
      await handle(
        this.store,
        readerStream(readerId),
        cardReaderDecider,
        { kind: 'register', readerId, facilityId, samSerial, facility, actorId },
        { correlationId },
      )
    ).state;
  }
}

@CommandHandler(RetireCardReader)
export class RetireCardReaderHandler implements ICommandHandler<RetireCardReader, CardReader> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ readerId, actorId, correlationId }: RetireCardReader): Promise<CardReader> {
    return (await handle(this.store, readerStream(readerId), cardReaderDecider, { kind: 'retire', actorId }, { correlationId })).state;
  }
}

export const FACILITY_COMMAND_HANDLERS = [RegisterFacilityHandler, RegisterCardReaderHandler, RetireCardReaderHandler];
