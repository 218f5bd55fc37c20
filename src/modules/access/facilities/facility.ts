import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { isEventOf } from '../../../infrastructure/event-store/typed-events';
import { CardReaderRegistered, CardReaderRetired, FacilityRegistered, type FacilityKind } from './facility.events';

export const facilityStream = (facilityId: string) => `facility-${facilityId}`;
export const facilityCodeStream = (code: string) => `facilitycode-${code}`;
export const readerStream = (readerId: string) => `reader-${readerId}`;

export interface Facility {
  readonly facilityId: string | null;
  readonly kind: FacilityKind;
  readonly code: string;
  readonly name: string;
  readonly kecamatanCode: string;
}

export type FacilityCommand = {
  kind: 'register';
  facilityId: string;
  facilityKind: FacilityKind;
  code: string;
  name: string;
  kecamatanCode: string;
  actorId: string;
};

export const facilityDecider: Decider<Facility, FacilityCommand> = {
  initialState: { facilityId: null, kind: 'PUSKESMAS', code: '', name: '', kecamatanCode: '' },
  evolve(state, event: RecordedEvent) {
    if (!isEventOf(FacilityRegistered, event)) return state;
    const { facilityId, kind, code, name, kecamatanCode } = event.data;
    return { facilityId, kind, code, name, kecamatanCode };
  },
  decide(command, state): NewEvent[] {
    if (state.facilityId) throw new Refusal(409, 'FACILITY_EXISTS', 'This facility is already registered.');
    const { facilityId, facilityKind, code, name, kecamatanCode, actorId } = command;
    return [{ type: 'FacilityRegistered', data: { facilityId, kind: facilityKind, code, name, kecamatanCode, actorId } }];
  },
};

export interface CardReader {
  readonly readerId: string | null;
  readonly facilityId: string;
  readonly samSerial: string;
  readonly retired: boolean;
}

export type CardReaderCommand =
  { kind: 'register'; readerId: string; facilityId: string; samSerial: string; facility: Facility; actorId: string } | { kind: 'retire'; actorId: string };

export const cardReaderDecider: Decider<CardReader, CardReaderCommand> = {
  initialState: { readerId: null, facilityId: '', samSerial: '', retired: false },
  evolve(state, event) {
    if (isEventOf(CardReaderRegistered, event)) {
      const { readerId, facilityId, samSerial } = event.data;
      return { readerId, facilityId, samSerial, retired: false };
    }
    if (isEventOf(CardReaderRetired, event)) return { ...state, retired: true };
    return state;
  },
  decide(command, state): NewEvent[] {
    if (command.kind === 'register') {
      if (state.readerId) throw new Refusal(409, 'CARD_READER_EXISTS', 'This card reader is already registered.');
      if (!command.facility.facilityId) throw new Refusal(404, 'FACILITY_NOT_FOUND', 'No facility with this id.');
      if (command.facility.kind !== 'PUSKESMAS') throw new Refusal(422, 'CARD_READER_NEEDS_PUSKESMAS', 'Card readers belong to a Puskesmas.');
      return [
        {
          type: 'CardReaderRegistered',
          data: { readerId: command.readerId, facilityId: command.facilityId, samSerial: command.samSerial, actorId: command.actorId },
        },
      ];
    }
    if (!state.readerId) throw new Refusal(404, 'CARD_READER_NOT_FOUND', 'No card reader with this id.');
    if (state.retired) throw new Refusal(409, 'CARD_READER_ALREADY_RETIRED', 'This card reader is already retired.');
    return [{ type: 'CardReaderRetired', data: { readerId: state.readerId, facilityId: state.facilityId, actorId: command.actorId } }];
  },
};
