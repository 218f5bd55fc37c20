import { type Decider } from '../../../infrastructure/event-store/command-handling';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { isEventOf } from '../../../infrastructure/event-store/typed-events';
import { Refusal } from '../../../infrastructure/refusal';
import { daysBetween, wibDay } from '../../../infrastructure/time/wib';
import type { Party } from '../../access/parties/actor';
import { nipProblem } from './nip';
import { SignatoryAppointed, type Golongan } from './signatory.events';

export const signatoryStream = (party: Party) => `signatories-${party.toLowerCase()}`;

/** How far ahead an appointment may be recorded (a decree is recorded around its day, not years before). */
export const MAX_DAYS_AHEAD = 366;

export interface Official {
  readonly name: string;
  readonly nip: string;
  readonly golongan: Golongan;
  readonly position: string;
}

/** What the decider is asked to record: the party comes from the caller's role, never from the body. */
export interface Appointment extends Official {
  readonly party: Party;
  /** YYYY-MM-DD (WIB); today when not given. */
  readonly effectiveFrom?: string;
  readonly actorId: string;
}

/** The latest appointment of the party's stream (its history lives in the read model). */
export interface SignatoryState {
  readonly latest: (Official & { readonly effectiveFrom: string }) | null;
}

const sameOfficial = (a: Official, b: Official) => a.name === b.name && a.nip === b.nip && a.golongan === b.golongan && a.position === b.position;

/**
 * One stream per party; appointments only move forward in time: each replaces the previous one from its
 * day, and the previous one's days stay as they were (documents rendered on them keep their signatory).
 * Appointing the official already in force again is a no-op; a new appointment on the same day as the
 * latest corrects it (a typo in the name); one dated before the latest is refused, since it would rewrite
 * which official signed on days already past under the later appointment.
 */
export const signatoryDecider: Decider<SignatoryState, Appointment> = {
  initialState: { latest: null },
  evolve: (state, event: RecordedEvent) => {
    if (!isEventOf(SignatoryAppointed, event)) return state;
    const { name, nip, golongan, position, effectiveFrom } = event.data;
    return { latest: { name, nip, golongan, position, effectiveFrom } };
  },
  decide(command: Appointment, state: SignatoryState, now: Date): NewEvent[] {
    const today = wibDay(now);
    const problem = nipProblem(command.nip, today);
    if (problem) throw new Refusal(400, 'NIP_INVALID', problem);
    const effectiveFrom = command.effectiveFrom ?? today;
    if (daysBetween(today, effectiveFrom) > MAX_DAYS_AHEAD) {
      throw new Refusal(422, 'SIGNATORY_DATE_TOO_FAR', `An appointment is recorded at most ${MAX_DAYS_AHEAD} days before the day it holds from.`);
    }
    const latest = state.latest;
    if (latest && sameOfficial(latest, command) && latest.effectiveFrom <= effectiveFrom) return [];
    if (latest && effectiveFrom < latest.effectiveFrom) {
      throw new Refusal(
        409,
        'SIGNATORY_DATE_BEFORE_LATEST',
        'The latest appointment holds from a later day: an appointment holds from that day or after (history is not rewritten).',
      );
    }
    const { party, name, nip, golongan, position, actorId } = command;
    return [{ type: SignatoryAppointed.type, data: { party, name, nip, golongan, position, effectiveFrom, actorId } }];
  },
};
