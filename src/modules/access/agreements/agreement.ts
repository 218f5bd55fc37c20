import type { EventDefinition } from '../../../infrastructure/event-store/event-schemas';
import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { PARTIES, UNRECORDED_ACTOR, actorIdSchema, partyOfRole, withActor, type Actor, type Party } from '../parties/actor';
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

/** PENDING: proposed, not yet confirmed by the other party; grants nothing. */
export type AgreementStatus = 'PENDING' | 'NOT_YET_VALID' | 'ACTIVE' | 'EXPIRED' | 'TERMINATED';

/** Agreement numbers as the offices write them: "473.3/2271.12/IX/2022". */
export const AGREEMENT_NUMBER = '^[0-9A-Z][0-9A-Z./-]{0,39}$';
const uuid = { type: 'string', format: 'uuid' } as const;
const date = { type: 'string', format: 'date' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export const CHANGE_KINDS = ['SIGN', 'EXTEND', 'TERMINATE'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

const terms = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dukcapilNumber: { type: 'string', pattern: AGREEMENT_NUMBER },
    dinkesNumber: { type: 'string', pattern: AGREEMENT_NUMBER },
    signedOn: date,
    validFrom: date,
    validUntil: date,
    grantedFields: { type: 'array', maxItems: 9, uniqueItems: true, items: { type: 'string', enum: GRANTED_FIELDS } },
    addendumNumber: { type: 'string', pattern: AGREEMENT_NUMBER },
    reason: { type: 'string', enum: TERMINATION_REASONS },
    effectiveOn: date,
  },
} as const;

const { dukcapilNumber, dinkesNumber, signedOn, validFrom, validUntil, grantedFields } = terms.properties;
/** What a signing records: the same shapes as the terms proposed. */
const signingTerms = { dukcapilNumber, dinkesNumber, signedOn, validFrom, validUntil, grantedFields };

/**
 * The effects (signed, extended, terminated) are recorded when the second party confirms: `actorId` is
 * the confirming operator, `proposedBy`/`proposedAt`/`changeId` name the proposal it confirms. A
 * termination for breach has no proposal: Disdukcapil alone records it. Version 1 events (before the
 * two-party flow) read as acted by UNRECORDED.
 */
const confirmedEffect = (definition: EventDefinition): EventDefinition => {
  const next = withActor(definition);
  return { ...next, schema: { ...next.schema, properties: { ...next.schema.properties, changeId: uuid, proposedBy: actorIdSchema, proposedAt: dateTime } } };
};

export const agreementEvents: EventDefinition[] = [
  confirmedEffect({
    type: 'AgreementSigned',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'dukcapilNumber', 'dinkesNumber', 'signedOn', 'validFrom', 'validUntil', 'grantedFields'],
      properties: { agreementId: uuid, ...signingTerms },
    },
  }),
  confirmedEffect({
    type: 'AgreementExtended',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'addendumNumber', 'validUntil', 'previousValidUntil'],
      properties: { agreementId: uuid, addendumNumber: { type: 'string', pattern: AGREEMENT_NUMBER }, validUntil: date, previousValidUntil: date },
    },
  }),
  confirmedEffect({
    type: 'AgreementTerminated',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'reason', 'effectiveOn'],
      properties: { agreementId: uuid, reason: { type: 'string', enum: TERMINATION_REASONS }, effectiveOn: date },
    },
  }),
  {
    type: 'AgreementChangeProposed',
    version: 1,
    description: 'One party proposes signing, extending or ending the agreement by consent; it grants nothing until the other party confirms.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'changeId', 'change', 'party', 'actorId', 'terms'],
      properties: { agreementId: uuid, changeId: uuid, change: { type: 'string', enum: CHANGE_KINDS }, party: { type: 'string', enum: PARTIES }, actorId: actorIdSchema, terms },
    },
  },
  {
    type: 'AgreementChangeRejected',
    version: 1,
    description: 'The other party refuses a proposed change, or the proposing party withdraws it.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['agreementId', 'changeId', 'party', 'actorId'],
      properties: { agreementId: uuid, changeId: uuid, party: { type: 'string', enum: PARTIES }, actorId: actorIdSchema },
    },
  },
];


export type SignTerms = { dukcapilNumber: string; dinkesNumber: string; signedOn: string; validFrom: string; validUntil: string; grantedFields: readonly string[] };
export type ExtendTerms = { addendumNumber: string; validUntil: string };
export type TerminateTerms = { reason: TerminationReason; effectiveOn: string };

/** A change of the agreement as both parties recorded it: proposed by one, confirmed (or rejected) by the other. */
export interface AgreementChange {
  readonly changeId: string | null;
  readonly change: ChangeKind;
  readonly terms: Record<string, unknown>;
  readonly status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  readonly proposedBy: string;
  readonly proposedByParty: Party | null;
  readonly proposedAt: string | null;
  readonly confirmedBy: string | null;
  readonly confirmedAt: string | null;
  readonly rejectedBy: string | null;
  readonly rejectedAt: string | null;
}

export interface Agreement {
  readonly agreementId: string | null;
  readonly dukcapilNumber: string;
  readonly dinkesNumber: string;
  /** Empty until both parties have recorded the signing. */
  readonly signedOn: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly grantedFields: readonly string[];
  readonly addenda: readonly { addendumNumber: string; validUntil: string }[];
  readonly termination: { reason: TerminationReason; effectiveOn: string } | null;
  /** Every change, pending, confirmed or rejected, oldest first. */
  readonly changes?: readonly AgreementChange[];
}

export type AgreementCommand = (
  | { kind: 'propose'; agreementId: string; changeId: string; change: 'SIGN'; terms: SignTerms }
  | { kind: 'propose'; changeId: string; change: 'EXTEND'; terms: ExtendTerms }
  | { kind: 'propose'; changeId: string; change: 'TERMINATE'; terms: TerminateTerms }
  | { kind: 'confirm'; changeId: string }
  | { kind: 'reject'; changeId: string }
) & { actor: Actor };

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
  changes: [],
};

const partyName = (party: Party) => (party === 'DINKES' ? 'Dinkes' : 'Disdukcapil');

/** The confirmed change an effect event records (a legacy one, without proposal, too). */
function confirmed(event: RecordedEvent, change: ChangeKind, terms: Record<string, unknown>): AgreementChange {
  const d = event.data as Record<string, string | undefined>;
  return {
    changeId: d.changeId ?? null,
    change,
    terms,
    status: 'CONFIRMED',
    proposedBy: d.proposedBy ?? d.actorId ?? UNRECORDED_ACTOR,
    proposedByParty: null,
    proposedAt: d.proposedAt ?? null,
    confirmedBy: d.actorId ?? UNRECORDED_ACTOR,
    confirmedAt: event.occurredAt?.toISOString() ?? null,
    rejectedBy: null,
    rejectedAt: null,
  };
}

function settle(state: Agreement, event: RecordedEvent, change: ChangeKind, terms: Record<string, unknown>): readonly AgreementChange[] {
  const done = confirmed(event, change, terms);
  const changes = state.changes ?? [];
  const proposal = done.changeId ? changes.find((c) => c.changeId === done.changeId) : undefined;
  if (!proposal) return [...changes, done];
  return changes.map((c) => (c === proposal ? { ...proposal, status: 'CONFIRMED', confirmedBy: done.confirmedBy, confirmedAt: done.confirmedAt } : c));
}

export const agreementDecider: Decider<Agreement, AgreementCommand> = {
  initialState: none,

  evolve(state: Agreement, event: RecordedEvent): Agreement {
    const d = event.data as Record<string, never>;
    switch (event.type) {
      case 'AgreementChangeProposed': {
        const proposal: AgreementChange = {
          changeId: d.changeId,
          change: d.change,
          terms: d.terms,
          status: 'PENDING',
          proposedBy: d.actorId,
          proposedByParty: d.party,
          proposedAt: event.occurredAt?.toISOString() ?? null,
          confirmedBy: null,
          confirmedAt: null,
          rejectedBy: null,
          rejectedAt: null,
        };
        return { ...state, agreementId: d.agreementId, changes: [...(state.changes ?? []), proposal] };
      }
      case 'AgreementChangeRejected':
        return {
          ...state,
          changes: (state.changes ?? []).map((c) => (c.changeId === d.changeId ? { ...c, status: 'REJECTED', rejectedBy: d.actorId, rejectedAt: event.occurredAt?.toISOString() ?? null } : c)),
        };
      case 'AgreementSigned': {
        const { agreementId, dukcapilNumber, dinkesNumber, signedOn, validFrom, validUntil, grantedFields } = d;
        const signed = { dukcapilNumber, dinkesNumber, signedOn, validFrom, validUntil, grantedFields };
        return { ...none, ...signed, agreementId, addenda: [], termination: null, changes: settle(state, event, 'SIGN', signed) };
      }
      case 'AgreementExtended':
        return {
          ...state,
          validUntil: d.validUntil,
          addenda: [...state.addenda, { addendumNumber: d.addendumNumber, validUntil: d.validUntil }],
          changes: settle(state, event, 'EXTEND', { addendumNumber: d.addendumNumber, validUntil: d.validUntil }),
        };
      case 'AgreementTerminated':
        return {
          ...state,
          termination: { reason: d.reason, effectiveOn: d.effectiveOn },
          changes: settle(state, event, 'TERMINATE', { reason: d.reason, effectiveOn: d.effectiveOn }),
        };
      default:
        return state;
    }
  },

  decide(command: AgreementCommand, state: Agreement, now: Date = new Date()): NewEvent[] {
    const { actorId } = command.actor;
    const party = partyOfRole(command.actor.role);
    if (command.kind === 'propose' && command.change === 'SIGN') {
      if (state.agreementId) throw new Refusal(409, 'AGREEMENT_EXISTS', 'This agreement is already signed or proposed.');
      checkSigning(command.terms);
      return [proposed(command.agreementId, command.changeId, 'SIGN', party, actorId, { ...command.terms, grantedFields: [...command.terms.grantedFields] })];
    }
    if (!state.agreementId) throw new Refusal(404, 'AGREEMENT_NOT_FOUND', 'No agreement with this id.');
    const agreementId = state.agreementId;
    if (command.kind === 'confirm' || command.kind === 'reject') {
      const change = (state.changes ?? []).find((c) => c.changeId === command.changeId);
      if (!change) throw new Refusal(404, 'AGREEMENT_CHANGE_NOT_FOUND', 'No proposed change with this id on this agreement.');
      if (change.status !== 'PENDING') throw new Refusal(409, 'AGREEMENT_CHANGE_NOT_PENDING', `This change is already ${change.status.toLowerCase()}.`);
      if (command.kind === 'reject') return [{ type: 'AgreementChangeRejected', data: { agreementId, changeId: command.changeId, party, actorId } }];
      if (change.proposedByParty === party) {
        throw new Refusal(403, 'OWN_PROPOSAL', `${partyName(party)} proposed this change; only ${partyName(party === 'DINKES' ? 'DISDUKCAPIL' : 'DINKES')} can confirm it.`);
      }
      // Checked again against the agreement as it is now: another change may have been confirmed since.
      const by = { changeId: change.changeId!, proposedBy: change.proposedBy, ...(change.proposedAt ? { proposedAt: change.proposedAt } : {}), actorId };
      if (change.change === 'SIGN') {
        const t = change.terms as SignTerms;
        if (state.signedOn) throw new Refusal(409, 'AGREEMENT_EXISTS', 'This agreement is already signed.');
        checkSigning(t);
        return [{ type: 'AgreementSigned', data: { agreementId, ...t, grantedFields: [...t.grantedFields], ...by } }];
      }
      if (change.change === 'EXTEND') return [{ type: 'AgreementExtended', data: { ...extension(state, change.terms as ExtendTerms, change.changeId), ...by } }];
      return [{ type: 'AgreementTerminated', data: { ...termination(state, change.terms as TerminateTerms), ...by } }];
    }
    if (command.change === 'EXTEND') {
      extension(state, command.terms, null);
      return [proposed(agreementId, command.changeId, 'EXTEND', party, actorId, { ...command.terms })];
    }
    termination(state, command.terms);
    if (command.terms.reason === 'BREACH_BY_DINKES') {
      // Pasal 10: Disdukcapil may end the agreement on Dinkes' breach, alone and at once.
      if (party !== 'DISDUKCAPIL') throw new Refusal(403, 'BREACH_TERMINATION_BY_DISDUKCAPIL_ONLY', 'Only Disdukcapil may terminate the agreement for breach by Dinkes.');
      // At once means today: neither a date to come nor one that would put past accesses outside the agreement.
      if (command.terms.effectiveOn !== wibDay(now)) {
        throw new Refusal(422, 'BREACH_TERMINATION_TAKES_EFFECT_TODAY', `A termination for breach takes effect today (${wibDay(now)}, WIB).`);
      }
      return [{ type: 'AgreementTerminated', data: { agreementId, ...command.terms, actorId, proposedBy: actorId } }];
    }
    return [proposed(agreementId, command.changeId, 'TERMINATE', party, actorId, { ...command.terms })];
  },
};

function proposed(agreementId: string, changeId: string, change: ChangeKind, party: Party, actorId: string, terms: Record<string, unknown>): NewEvent {
  return { type: 'AgreementChangeProposed', data: { agreementId, changeId, change, party, actorId, terms } };
}

function checkSigning(terms: SignTerms): void {
  if (terms.validUntil < terms.validFrom) throw new Refusal(422, 'AGREEMENT_END_BEFORE_START', 'validUntil is before validFrom.');
  if (terms.signedOn > terms.validFrom) throw new Refusal(422, 'AGREEMENT_STARTS_BEFORE_SIGNING', 'validFrom is before the signing date.');
  if (terms.dukcapilNumber === terms.dinkesNumber) throw new Refusal(422, 'AGREEMENT_NUMBERS_IDENTICAL', "Each party's agreement number must be its own.");
}

function inForce(state: Agreement): void {
  if (!state.signedOn) throw new Refusal(422, 'AGREEMENT_NOT_SIGNED', 'The signing of this agreement is not confirmed by both parties yet.');
  if (state.termination) throw new Refusal(422, 'AGREEMENT_TERMINATED', `The agreement was terminated effective ${state.termination.effectiveOn}.`);
}

/** The AgreementExtended data of an addendum, or the rule it breaks. */
function extension(state: Agreement, terms: ExtendTerms, changeId: string | null) {
  inForce(state);
  const pendingNumbers = (state.changes ?? []).filter((c) => c.status === 'PENDING' && c.change === 'EXTEND' && c.changeId !== changeId).map((c) => c.terms.addendumNumber);
  if (
    state.addenda.some((a) => a.addendumNumber === terms.addendumNumber) ||
    pendingNumbers.includes(terms.addendumNumber) ||
    terms.addendumNumber === state.dinkesNumber ||
    terms.addendumNumber === state.dukcapilNumber
  ) {
    throw new Refusal(409, 'ADDENDUM_NUMBER_USED', 'This addendum number is already recorded for the agreement.');
  }
  if (terms.validUntil <= state.validUntil) {
    throw new Refusal(422, 'EXTENSION_NOT_LATER', `An extension must end after the current end date ${state.validUntil}.`);
  }
  return { agreementId: state.agreementId!, addendumNumber: terms.addendumNumber, validUntil: terms.validUntil, previousValidUntil: state.validUntil };
}

function termination(state: Agreement, terms: TerminateTerms) {
  inForce(state);
  if (terms.effectiveOn < state.validFrom) {
    throw new Refusal(422, 'TERMINATION_BEFORE_START', `Termination cannot take effect before the agreement starts (${state.validFrom}).`);
  }
  return { agreementId: state.agreementId!, reason: terms.reason, effectiveOn: terms.effectiveOn };
}

/** Status and days left at an instant, with dates as WIB calendar days (valid until = through 23:59:59.999 WIB). */
export function agreementStatus(agreement: Agreement, at: Date): { status: AgreementStatus; daysLeft: number } {
  if (!agreement.signedOn) return { status: 'PENDING', daysLeft: 0 };
  if (agreement.termination && at >= startOfWibDay(agreement.termination.effectiveOn)) return { status: 'TERMINATED', daysLeft: 0 };
  if (at < startOfWibDay(agreement.validFrom)) return { status: 'NOT_YET_VALID', daysLeft: 0 };
  if (at > endOfWibDay(agreement.validUntil)) return { status: 'EXPIRED', daysLeft: 0 };
  const end = agreement.termination && agreement.termination.effectiveOn <= agreement.validUntil ? previousDay(agreement.termination.effectiveOn) : agreement.validUntil;
  return { status: 'ACTIVE', daysLeft: daysBetween(wibDay(at), end) + 1 };
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
