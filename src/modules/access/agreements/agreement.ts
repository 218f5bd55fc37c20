import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { eventOf, type EventOf } from '../../../infrastructure/event-store/typed-events';
import { UNRECORDED_ACTOR, partyOfRole, type Actor, type Party } from '../parties/actor';
import { daysBetween, endOfWibDay, startOfWibDay, wibDay } from '../../../infrastructure/time/wib';
import {
  agreementEvents,
  type AgreementExtended,
  type AgreementSigned,
  type AgreementTerminated,
  type ChangeKind,
  type TerminationReason,
} from './agreement.events';

/** PENDING: proposed, not yet confirmed by the other party; grants nothing. */
export type AgreementStatus = 'PENDING' | 'NOT_YET_VALID' | 'ACTIVE' | 'EXPIRED' | 'TERMINATED';

export type SignTerms = {
  dukcapilNumber: string;
  dinkesNumber: string;
  signedOn: string;
  validFrom: string;
  validUntil: string;
  grantedFields: readonly string[];
};
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

type Effect = EventOf<typeof AgreementSigned> | EventOf<typeof AgreementExtended> | EventOf<typeof AgreementTerminated>;

/** The confirmed change an effect event records (a legacy one, without proposal, too). */
function confirmed(event: Effect, change: ChangeKind, terms: Record<string, unknown>): AgreementChange {
  const d = event.data;
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

function settle(state: Agreement, event: Effect, change: ChangeKind, terms: Record<string, unknown>): readonly AgreementChange[] {
  const done = confirmed(event, change, terms);
  const changes = state.changes ?? [];
  const proposal = done.changeId ? changes.find((c) => c.changeId === done.changeId) : undefined;
  if (!proposal) return [...changes, done];
  return changes.map((c) => (c === proposal ? { ...proposal, status: 'CONFIRMED', confirmedBy: done.confirmedBy, confirmedAt: done.confirmedAt } : c));
}

export const agreementDecider: Decider<Agreement, AgreementCommand> = {
  initialState: none,

  evolve(state: Agreement, recorded: RecordedEvent): Agreement {
    const event = eventOf(agreementEvents, recorded);
    switch (event?.type) {
      case 'AgreementChangeProposed': {
        const d = event.data;
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
      case 'AgreementChangeRejected': {
        const d = event.data;
        return {
          ...state,
          changes: (state.changes ?? []).map((c) =>
            c.changeId === d.changeId ? { ...c, status: 'REJECTED', rejectedBy: d.actorId, rejectedAt: event.occurredAt?.toISOString() ?? null } : c,
          ),
        };
      }
      case 'AgreementSigned': {
        const { agreementId, dukcapilNumber, dinkesNumber, signedOn, validFrom, validUntil, grantedFields } = event.data;
        const signed = { dukcapilNumber, dinkesNumber, signedOn, validFrom, validUntil, grantedFields };
        return { ...none, ...signed, agreementId, addenda: [], termination: null, changes: settle(state, event, 'SIGN', signed) };
      }
      case 'AgreementExtended': {
        const { addendumNumber, validUntil } = event.data;
        return {
          ...state,
          validUntil,
          addenda: [...state.addenda, { addendumNumber, validUntil }],
          changes: settle(state, event, 'EXTEND', { addendumNumber, validUntil }),
        };
      }
      case 'AgreementTerminated': {
        const { reason, effectiveOn } = event.data;
        return { ...state, termination: { reason, effectiveOn }, changes: settle(state, event, 'TERMINATE', { reason, effectiveOn }) };
      }
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
        throw new Refusal(
          403,
          'OWN_PROPOSAL',
          `${partyName(party)} proposed this change; only ${partyName(party === 'DINKES' ? 'DISDUKCAPIL' : 'DINKES')} can confirm it.`,
        );
      }
      // Checked again against the agreement as it is now: another change may have been confirmed since.
      const by = { changeId: change.changeId!, proposedBy: change.proposedBy, ...(change.proposedAt ? { proposedAt: change.proposedAt } : {}), actorId };
      if (change.change === 'SIGN') {
        const t = change.terms as SignTerms;
        if (state.signedOn) throw new Refusal(409, 'AGREEMENT_EXISTS', 'This agreement is already signed.');
        checkSigning(t);
        return [{ type: 'AgreementSigned', data: { agreementId, ...t, grantedFields: [...t.grantedFields], ...by } }];
      }
      if (change.change === 'EXTEND')
        return [{ type: 'AgreementExtended', data: { ...extension(state, change.terms as ExtendTerms, change.changeId), ...by } }];
      return [{ type: 'AgreementTerminated', data: { ...termination(state, change.terms as TerminateTerms), ...by } }];
    }
    if (command.change === 'EXTEND') {
      extension(state, command.terms, null);
      return [proposed(agreementId, command.changeId, 'EXTEND', party, actorId, { ...command.terms })];
    }
    termination(state, command.terms);
    if (command.terms.reason === 'BREACH_BY_DINKES') {
      // Pasal 10: Disdukcapil may end the agreement on Dinkes' breach, alone and at once.
      if (party !== 'DISDUKCAPIL')
        throw new Refusal(403, 'BREACH_TERMINATION_BY_DISDUKCAPIL_ONLY', 'Only Disdukcapil may terminate the agreement for breach by Dinkes.');
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
  const pendingNumbers = (state.changes ?? [])
    .filter((c) => c.status === 'PENDING' && c.change === 'EXTEND' && c.changeId !== changeId)
    .map((c) => c.terms.addendumNumber);
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
  const end =
    agreement.termination && agreement.termination.effectiveOn <= agreement.validUntil ? previousDay(agreement.termination.effectiveOn) : agreement.validUntil;
  return { status: 'ACTIVE', daysLeft: daysBetween(wibDay(at), end) + 1 };
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
