import type { EventDefinition } from '../../../infrastructure/event-store/event-schemas';
import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { withActor } from '../parties/actor';

export const FACILITY_KINDS = ['PUSKESMAS', 'DINKES'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

/** Codes and names of institutions (not of people): uppercase codes, plain names. */
export const FACILITY_CODE = '^[A-Z][A-Z0-9-]{2,19}$';
export const FACILITY_NAME = "^[A-Za-z0-9][A-Za-z0-9 .'()/-]{2,79}$";
export const KECAMATAN_CODE = '^[0-9]{6}$';
export const SAM_SERIAL = '^[A-Z0-9][A-Z0-9-]{3,31}$';
const uuid = { type: 'string', format: 'uuid' } as const;

export const facilityEvents: EventDefinition[] = [
  withActor({
    type: 'FacilityRegistered',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['facilityId', 'kind', 'code', 'name', 'kecamatanCode'],
      properties: {
        facilityId: uuid,
        kind: { type: 'string', enum: FACILITY_KINDS },
        code: { type: 'string', pattern: FACILITY_CODE },
        name: { type: 'string', pattern: FACILITY_NAME },
        kecamatanCode: { type: 'string', pattern: KECAMATAN_CODE },
      },
    },
  }),
  withActor({
    type: 'FacilityCodeReserved',
    version: 1,
    description: 'Claims a facility code on its own stream (facilitycode-{code}), so two facilities cannot share one.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'facilityId'],
      properties: { code: { type: 'string', pattern: FACILITY_CODE }, facilityId: uuid },
    },
  }),
  withActor({
    type: 'CardReaderRegistered',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['readerId', 'facilityId', 'samSerial'],
      properties: { readerId: uuid, facilityId: uuid, samSerial: { type: 'string', pattern: SAM_SERIAL } },
    },
  }),
  withActor({
    type: 'CardReaderRetired',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['readerId', 'facilityId'],
      properties: { readerId: uuid, facilityId: uuid },
    },
  }),
];

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

export type FacilityCommand = { kind: 'register'; facilityId: string; facilityKind: FacilityKind; code: string; name: string; kecamatanCode: string; actorId: string };

export const facilityDecider: Decider<Facility, FacilityCommand> = {
  initialState: { facilityId: null, kind: 'PUSKESMAS', code: '', name: '', kecamatanCode: '' },
  evolve(state, event: RecordedEvent) {
    if (event.type !== 'FacilityRegistered') return state;
    const { facilityId, kind, code, name, kecamatanCode } = event.data as unknown as Facility;
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
  | { kind: 'register'; readerId: string; facilityId: string; samSerial: string; facility: Facility; actorId: string }
  | { kind: 'retire'; actorId: string };

export const cardReaderDecider: Decider<CardReader, CardReaderCommand> = {
  initialState: { readerId: null, facilityId: '', samSerial: '', retired: false },
  evolve(state, event) {
    if (event.type === 'CardReaderRegistered') {
      const { readerId, facilityId, samSerial } = event.data as unknown as CardReader;
      return { readerId, facilityId, samSerial, retired: false };
    }
    if (event.type === 'CardReaderRetired') return { ...state, retired: true };
    return state;
  },
  decide(command, state): NewEvent[] {
    if (command.kind === 'register') {
      if (state.readerId) throw new Refusal(409, 'CARD_READER_EXISTS', 'This card reader is already registered.');
      if (!command.facility.facilityId) throw new Refusal(404, 'FACILITY_NOT_FOUND', 'No facility with this id.');
      if (command.facility.kind !== 'PUSKESMAS') throw new Refusal(422, 'CARD_READER_NEEDS_PUSKESMAS', 'Card readers belong to a Puskesmas.');
      return [{ type: 'CardReaderRegistered', data: { readerId: command.readerId, facilityId: command.facilityId, samSerial: command.samSerial, actorId: command.actorId } }];
    }
    if (!state.readerId) throw new Refusal(404, 'CARD_READER_NOT_FOUND', 'No card reader with this id.');
    if (state.retired) throw new Refusal(409, 'CARD_READER_ALREADY_RETIRED', 'This card reader is already retired.');
    return [{ type: 'CardReaderRetired', data: { readerId: state.readerId, facilityId: state.facilityId, actorId: command.actorId } }];
  },
};
