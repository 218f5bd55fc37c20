import type { EventDefinition } from '../../../infrastructure/event-store/event-registry';
import { Refusal, type Decider } from '../../../infrastructure/event-store/command-handling';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { daysBetween, endOfWibDay, startOfWibDay, wibDay } from '../../../infrastructure/time/wib';

/** The nine fields of Pasal 3(1)(a), as the agreement names them. */
export const GRANTED_FIELDS = [
  'NO_KK',
  'NIK',
  'NAMA_LENGKAP',
  'JENIS_KELAMIN',
  'TEMPAT_LAHIR',
  'TANGGAL_LAHIR',
  'JENIS_PEKERJAAN',
  'STATUS_PERKAWINAN',
  'ALAMAT',
] as const;

/** Pasal 10: how an agreement may end before its term. */
export const TERMINATION_REASONS = ['MUTUAL_CONSENT', 'INSTITUTIONAL_CHANGE', 'BREACH_BY_DINKES', 'FORCE_MAJEURE'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

export type AgreementStatus = 'NOT_YET_VALID' | 'ACTIVE' | 'EXPIRED' | 'TERMINATED';

/** Agreement numbers as the offices write them: "473.3/2271.12/IX/2022". */
export const AGREEMENT_NUMBER = '^[0-9A-Z][0-9A-Z./-]{0,39}$';
const uuid = { type: 'string', format: 'uuid' } as const;
const date = { type: 'string', format: 'date' } as const;

export const agreementEvents: EventDefinition[] = [
  {
    type: 'AgreementSigned',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'dukcapilNumber', 'dinkesNumber', 'signedOn', 'validFrom', 'validUntil', 'grantedFields'],
      properties: {
        agreementId: uuid,
        dukcapilNumber: { type: 'string', pattern: AGREEMENT_NUMBER },
        dinkesNumber: { type: 'string', pattern: AGREEMENT_NUMBER },
        signedOn: date,
        validFrom: date,
        validUntil: date,
        grantedFields: { type: 'array', maxItems: 9, uniqueItems: true, items: { type: 'string', enum: GRANTED_FIELDS } },
      },
    },
  },
  {
    type: 'AgreementExtended',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'addendumNumber', 'validUntil', 'previousValidUntil'],
      properties: { agreementId: uuid, addendumNumber: { type: 'string', pattern: AGREEMENT_NUMBER }, validUntil: date, previousValidUntil: date },
    },
  },
  {
    type: 'AgreementTerminated',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'reason', 'effectiveOn'],
      properties: { agreementId: uuid, reason: { type: 'string', enum: TERMINATION_REASONS }, effectiveOn: date },
    },
  },
];

export interface Agreement {
  readonly agreementId: string | null;
  readonly dukcapilNumber: string;
  readonly dinkesNumber: string;
  readonly signedOn: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly grantedFields: readonly string[];
  readonly addenda: readonly { addendumNumber: string; validUntil: string }[];
  readonly termination: { reason: TerminationReason; effectiveOn: string } | null;
}

export type AgreementCommand =
  | {
      kind: 'sign';
      agreementId: string;
      dukcapilNumber: string;
      dinkesNumber: string;
      signedOn: string;
      validFrom: string;
      validUntil: string;
      grantedFields: readonly string[];
    }
  | { kind: 'extend'; addendumNumber: string; validUntil: string }
  | { kind: 'terminate'; reason: TerminationReason; effectiveOn: string };

export const agreementStream = (agreementId: string) => `agreement-${agreementId}`;

const none: Agreement = {
  agreementId: null,
  dukcapilNumber: '',
  dinkesNumber: '',
  signedOn: '',
  validFrom: '',
  validUntil: '',
  grantedFields: [],
  addenda: [],
  termination: null,
};

export const agreementDecider: Decider<Agreement, AgreementCommand> = {
  initialState: none,

  evolve(state: Agreement, event: RecordedEvent): Agreement {
    const d = event.data as Record<string, never>;
    switch (event.type) {
      case 'AgreementSigned':
        return { ...none, ...d, addenda: [], termination: null };
      case 'AgreementExtended':
        return { ...state, validUntil: d.validUntil, addenda: [...state.addenda, { addendumNumber: d.addendumNumber, validUntil: d.validUntil }] };
      case 'AgreementTerminated':
        return { ...state, termination: { reason: d.reason, effectiveOn: d.effectiveOn } };
      default:
        return state;
    }
  },

  decide(command: AgreementCommand, state: Agreement): NewEvent[] {
    if (command.kind === 'sign') {
      if (state.agreementId) throw new Refusal(409, 'AGREEMENT_EXISTS', 'This agreement is already signed.');
      if (command.validUntil < command.validFrom) {
        throw new Refusal(422, 'AGREEMENT_END_BEFORE_START', 'validUntil is before validFrom.');
      }
      if (command.signedOn > command.validFrom) {
        throw new Refusal(422, 'AGREEMENT_STARTS_BEFORE_SIGNING', 'validFrom is before the signing date.');
      }
      if (command.dukcapilNumber === command.dinkesNumber) {
        throw new Refusal(422, 'AGREEMENT_NUMBERS_IDENTICAL', "Each party's agreement number must be its own.");
      }
      const { kind: _, ...data } = command;
      return [{ type: 'AgreementSigned', data: { ...data, grantedFields: [...command.grantedFields] } }];
    }
    if (!state.agreementId) throw new Refusal(404, 'AGREEMENT_NOT_FOUND', 'No agreement with this id.');
    if (state.termination) {
      throw new Refusal(422, 'AGREEMENT_TERMINATED', `The agreement was terminated effective ${state.termination.effectiveOn}.`);
    }
    if (command.kind === 'extend') {
      if (state.addenda.some((a) => a.addendumNumber === command.addendumNumber) || command.addendumNumber === state.dinkesNumber || command.addendumNumber === state.dukcapilNumber) {
        throw new Refusal(409, 'ADDENDUM_NUMBER_USED', 'This addendum number is already recorded for the agreement.');
      }
      if (command.validUntil <= state.validUntil) {
        throw new Refusal(422, 'EXTENSION_NOT_LATER', `An extension must end after the current end date ${state.validUntil}.`);
      }
      return [
        {
          type: 'AgreementExtended',
          data: { agreementId: state.agreementId, addendumNumber: command.addendumNumber, validUntil: command.validUntil, previousValidUntil: state.validUntil },
        },
      ];
    }
    if (command.effectiveOn < state.validFrom) {
      throw new Refusal(422, 'TERMINATION_BEFORE_START', `Termination cannot take effect before the agreement starts (${state.validFrom}).`);
    }
    return [{ type: 'AgreementTerminated', data: { agreementId: state.agreementId, reason: command.reason, effectiveOn: command.effectiveOn } }];
  },
};

/** Status and days left at an instant, with dates as WIB calendar days (valid until = through 23:59:59.999 WIB). */
export function agreementStatus(agreement: Agreement, at: Date): { status: AgreementStatus; daysLeft: number } {
  if (agreement.termination && at >= startOfWibDay(agreement.termination.effectiveOn)) return { status: 'TERMINATED', daysLeft: 0 };
  if (at < startOfWibDay(agreement.validFrom)) return { status: 'NOT_YET_VALID', daysLeft: 0 };
  if (at > endOfWibDay(agreement.validUntil)) return { status: 'EXPIRED', daysLeft: 0 };
  const end = agreement.termination && agreement.termination.effectiveOn <= agreement.validUntil ? previousDay(agreement.termination.effectiveOn) : agreement.validUntil;
  return { status: 'ACTIVE', daysLeft: daysBetween(wibDay(at), end) + 1 };
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
