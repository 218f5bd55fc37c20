import { type Decider } from '../../../infrastructure/event-store/command-handling';
import { Refusal } from '../../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import { eventOf, isEventOf } from '../../../infrastructure/event-store/typed-events';
import { ADMINISTRATOR_ROLE, isAdministrator, partyOfRole, type Actor, type Party } from '../parties/actor';
import { AdministratorRosterChanged, operatorEvents, signInEvents, type Role } from './operator.events';
import { PASSWORD_PROBLEMS, type PasswordProblem } from '../../../infrastructure/security/password-policy';
import type { Facility } from '../facilities/facility';
import type { FacilityKind } from '../facilities/facility.events';

export type OperatorStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED';

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
export const LOCKOUT_DURATION_MS = 15 * 60 * 1000;

/**
 * Who administers whose accounts: Dinkes' administrators its own people (administrators and Puskesmas
 * operators), Disdukcapil's auditors theirs (auditors and the Bupati's office). One rule, from the parties.
 */
export function administers(actor: Role, target: Role): boolean {
  return isAdministrator(actor) && partyOfRole(actor) === partyOfRole(target);
}

export const operatorStream = (operatorId: string) => `operator-${operatorId}`;

export interface Operator {
  readonly operatorId: string | null;
  readonly facilityId: string;
  readonly role: Role;
  readonly status: OperatorStatus;
  /** Set by a password an administrator chose (enrolment, reset, the seeded first admin); cleared by the operator's own change. */
  readonly mustChangePassword: boolean;
}

/** The first rule a new password breaks (password-policy.ts), as the refusal a client sees. */
export function weakPasswordRefusal(problem: PasswordProblem): Refusal {
  return new Refusal(400, problem === 'PASSWORD_LENGTH' ? 'VALIDATION_FAILED' : problem, PASSWORD_PROBLEMS[problem]);
}

/** Operators belong to a Puskesmas, administrators to Dinkes; auditors and the Bupati's office to neither. */
const FACILITY_KIND_OF_ROLE: Record<Role, FacilityKind | null> = {
  PUSKESMAS_OPERATOR: 'PUSKESMAS',
  DINKES_ADMIN: 'DINKES',
  DUKCAPIL_AUDITOR: null,
  BUPATI_OFFICE: null,
};

/**
 * Every command names its actor; an administrator acts only on the accounts of its own party. What a
 * handler found out before deciding (the facility's register state, the password checks) comes with the
 * command, so every refusal is decided here, in the order a client meets them.
 */
export type OperatorCommand = (
  | {
      kind: 'enrol';
      operatorId: string;
      role: Role;
      facilityId: string | null;
      /** The state of facility `facilityId` (null when none was given). */
      facility: Facility | null;
      /** The first rule the initial password breaks, or null. */
      passwordProblem: PasswordProblem | null;
    }
  | { kind: 'suspend' }
  | { kind: 'reinstate' }
  | { kind: 'revoke' }
  | {
      kind: 'changePassword';
      by: 'SELF';
      /** The current password was given and is right. */
      currentPasswordRight: boolean;
      /** The new password is the current one. */
      unchanged: boolean;
      passwordProblem: PasswordProblem | null;
    }
  | {
      kind: 'changePassword';
      by: 'ADMIN';
      /** The actor's own password change is still owed: they change theirs before anyone else's. */
      actorOwesPasswordChange: boolean;
      passwordProblem: PasswordProblem | null;
    }
  /** Acts recorded elsewhere (the sign-in stream, the erasable profile): decided here, no event on the account's stream. */
  | { kind: 'unlock' }
  | { kind: 'eraseProfile' }
) & { actor: Actor };

/** SEED and OFFLINE_RECOVERY act on the host, for either party. */
const HOST_ROLE = 'HOST';

/** An administrator of the other party (or no administrator at all) is refused. */
function assertSameParty(actor: Actor, accountRole: Role): void {
  if (actor.role === HOST_ROLE) return;
  if (!administers(actor.role as Role, accountRole)) {
    const party = partyOfRole(accountRole);
    throw new Refusal(
      403,
      'OTHER_PARTYS_ACCOUNT',
      `A ${accountRole} account is administered by ${party === 'DINKES' ? 'Dinkes (DINKES_ADMIN)' : 'Disdukcapil (DUKCAPIL_AUDITOR)'} only.`,
    );
  }
}

/** The actor of what is done on the host (the seed, the offline recovery). */
export const hostActor = (actorId: string): Actor => ({ actorId, role: HOST_ROLE });

function decideEnrolment(command: Extract<OperatorCommand, { kind: 'enrol' }>, state: Operator): NewEvent[] {
  const { operatorId, role, facilityId, facility, passwordProblem, actor } = command;
  assertSameParty(actor, role);
  if (passwordProblem) throw weakPasswordRefusal(passwordProblem);
  const expected = FACILITY_KIND_OF_ROLE[role];
  if (!expected && facilityId) throw new Refusal(422, 'FACILITY_NOT_EXPECTED', `A ${role} account is not bound to a facility.`);
  if (expected && !facilityId) throw new Refusal(422, 'FACILITY_REQUIRED', `A ${role} account needs its facility (${expected}).`);
  if (expected && !facility?.facilityId) throw new Refusal(404, 'FACILITY_NOT_FOUND', 'No facility with this id.');
  if (expected && facility!.kind !== expected) throw new Refusal(422, 'FACILITY_KIND_MISMATCH', `A ${role} account belongs to a ${expected}.`);
  if (state.operatorId) throw new Refusal(409, 'OPERATOR_EXISTS', 'This operator is already enrolled.');
  const data: Record<string, string> = { operatorId, role, actorId: actor.actorId };
  if (facilityId) data.facilityId = facilityId;
  return [{ type: 'OperatorEnrolled', data }];
}

function decidePasswordChange(command: Extract<OperatorCommand, { kind: 'changePassword' }>, state: Operator & { operatorId: string }): NewEvent[] {
  const { actor, passwordProblem } = command;
  if (command.by === 'ADMIN') {
    if (!isAdministrator(actor.role) && actor.role !== HOST_ROLE) {
      throw new Refusal(403, 'NOT_YOUR_ACCOUNT', "You may change only your own password, or reset one of your party's accounts as its administrator.");
    }
    assertSameParty(actor, state.role);
  } else {
    // A stolen token must not be enough to take the account over: your own change needs your password.
    if (!command.currentPasswordRight) throw new Refusal(403, 'CURRENT_PASSWORD_WRONG', 'Give your current password to change it.');
    if (command.unchanged) throw new Refusal(400, 'PASSWORD_UNCHANGED', 'Choose a password other than your current one.');
  }
  if (passwordProblem) throw weakPasswordRefusal(passwordProblem);
  if (state.status === 'REVOKED') throw new Refusal(409, 'OPERATOR_REVOKED', 'This account is revoked for good; enrol a new one.');
  return [{ type: 'OperatorPasswordChanged', data: { operatorId: state.operatorId, by: command.by, actorId: actor.actorId } }];
}

export const operatorDecider: Decider<Operator, OperatorCommand> = {
  initialState: { operatorId: null, facilityId: '', role: 'PUSKESMAS_OPERATOR', status: 'ACTIVE', mustChangePassword: false },

  evolve(state: Operator, recorded: RecordedEvent): Operator {
    const event = eventOf(operatorEvents, recorded);
    switch (event?.type) {
      case 'OperatorEnrolled':
        return {
          ...state,
          operatorId: event.data.operatorId,
          facilityId: event.data.facilityId ?? '',
          role: event.data.role,
          status: 'ACTIVE',
          mustChangePassword: true,
        };
      case 'OperatorPasswordChanged':
        return { ...state, mustChangePassword: event.data.by !== 'SELF' };
      case 'OperatorSuspended':
        return { ...state, status: 'SUSPENDED' };
      case 'OperatorReinstated':
        return { ...state, status: 'ACTIVE' };
      case 'OperatorRevoked':
        return { ...state, status: 'REVOKED' };
      default:
        return state;
    }
  },

  decide(command: OperatorCommand, state: Operator): NewEvent[] {
    if (command.kind === 'enrol') return decideEnrolment(command, state);
    // An administrator still owing their own change resets nobody's password, not even an unknown one.
    if (command.kind === 'changePassword' && command.by === 'ADMIN' && command.actorOwesPasswordChange) {
      throw new Refusal(403, 'PASSWORD_CHANGE_REQUIRED', 'Change your own password first.');
    }
    if (!state.operatorId) throw new Refusal(404, 'OPERATOR_NOT_FOUND', 'No operator with this id.');
    const account = { ...state, operatorId: state.operatorId };
    if (command.kind === 'changePassword') return decidePasswordChange(command, account);
    // Everything else is for the account's own party's administrators, whatever the account's status.
    assertSameParty(command.actor, state.role);
    if (command.kind === 'unlock' || command.kind === 'eraseProfile') return [];
    if (state.status === 'REVOKED') throw new Refusal(409, 'OPERATOR_REVOKED', 'This account is revoked for good; enrol a new one.');
    const { operatorId } = account;
    const { actorId } = command.actor;
    switch (command.kind) {
      case 'suspend':
        if (state.status === 'SUSPENDED') throw new Refusal(409, 'OPERATOR_ALREADY_SUSPENDED', 'This account is already suspended.');
        return [{ type: 'OperatorSuspended', data: { operatorId, actorId } }];
      case 'reinstate':
        if (state.status === 'ACTIVE') throw new Refusal(409, 'OPERATOR_ALREADY_ACTIVE', 'This account is already active.');
        return [{ type: 'OperatorReinstated', data: { operatorId, actorId } }];
      case 'revoke':
        return [{ type: 'OperatorRevoked', data: { operatorId, actorId } }];
    }
  },
};

/**
 * A party's administrators, on their own stream: the one place where "is this the last active
 * administrator?" is decided, with the expected revision, so two concurrent suspensions of the last two
 * cannot both pass. Accounts enrolled before the roster existed are counted from their own streams.
 */
export const administratorsStream = (party: Party) => `administrators-${party}`;

/** Administrator ids the roster has a word on: true = active, false = suspended or revoked. */
export type Roster = ReadonlyMap<string, boolean>;

export const rosterDecider: Decider<
  Roster,
  { kind: 'set'; party: Party; operatorId: string; active: boolean; actorId: string; activeOutsideRoster: readonly string[] }
> = {
  initialState: new Map(),
  evolve(state, event) {
    if (!isEventOf(AdministratorRosterChanged, event)) return state;
    return new Map(state).set(event.data.operatorId, event.data.active);
  },
  decide(command, state) {
    const { party, operatorId, active, actorId } = command;
    if (!active) {
      const activeNow = new Set([...command.activeOutsideRoster.filter((id) => !state.has(id)), ...[...state].filter(([, a]) => a).map(([id]) => id)]);
      activeNow.delete(operatorId);
      if (activeNow.size === 0) {
        throw new Refusal(
          409,
          'LAST_ADMINISTRATOR',
          `This is the last active ${ADMINISTRATOR_ROLE[party]} of ${party === 'DINKES' ? 'Dinkes' : 'Disdukcapil'}: enrol or reinstate another first.`,
        );
      }
    }
    return [{ type: 'AdministratorRosterChanged', data: { party, operatorId, active, actorId } }];
  },
};

/**
 * Sign-ins of one operator, on their own stream (`signin-{operatorId}`) so that the account's stream,
 * read on every request, stays short. Every attempt is recorded BEFORE the password is checked, in one
 * append with the expected revision: parallel guesses are counted one by one, and once five attempts
 * in 15 minutes have not ended in a sign-in, further attempts are refused without checking a password.
 * A successful sign-in clears the count; a failed fifth attempt locks the account for 15 minutes.
 */
export const signInStream = (operatorId: string) => `signin-${operatorId}`;
/** Sign-outs on a stream of their own: on `signin-{id}` they would push a lockout out of the decider's tail. */
export const signOutStream = (operatorId: string) => `signout-${operatorId}`;
export const SIGN_IN_TAIL = 4 * LOCKOUT_FAILURES;

export interface SignIns {
  /** Times of attempts since the last sign-in (each a failure unless a sign-in follows). */
  readonly unresolved: readonly number[];
  readonly lockedUntil: number | null;
}

export type SignInCommand =
  | { kind: 'attempt'; operatorId: string }
  | { kind: 'succeeded'; operatorId: string }
  | { kind: 'failed'; operatorId: string }
  | { kind: 'unlock'; operatorId: string; actorId: string; by: 'UNLOCK' | 'PASSWORD_RESET' }
  | { kind: 'logout'; operatorId: string };

const inWindow = (times: readonly number[], now: number) => times.filter((t) => t > now - LOCKOUT_WINDOW_MS);

export const signInDecider: Decider<SignIns, SignInCommand> = {
  initialState: { unresolved: [], lockedUntil: null },

  evolve(state: SignIns, recorded: RecordedEvent): SignIns {
    const event = eventOf(signInEvents, recorded);
    switch (event?.type) {
      case 'OperatorSignInAttempted':
        return { ...state, unresolved: [...state.unresolved, event.occurredAt.getTime()] };
      case 'OperatorLoggedIn':
        return { ...state, unresolved: [] };
      case 'OperatorLockedOut':
        return { unresolved: [], lockedUntil: Date.parse(event.data.until) };
      case 'OperatorUnlocked':
        return { unresolved: [], lockedUntil: null };
      default:
        return state;
    }
  },

  decide(command: SignInCommand, state: SignIns, now: Date): NewEvent[] {
    const { operatorId } = command;
    const locked = isLockedOut(state, now) || inWindow(state.unresolved, now.getTime()).length >= LOCKOUT_FAILURES;
    switch (command.kind) {
      case 'attempt':
        if (locked) throw new Refusal(403, 'ACCOUNT_LOCKED', 'Too many failed attempts; try again in 15 minutes or ask an administrator.');
        return [{ type: 'OperatorSignInAttempted', data: { operatorId }, occurredAt: now }];
      case 'succeeded':
        if (isLockedOut(state, now)) throw new Refusal(403, 'ACCOUNT_LOCKED', 'Too many failed attempts; try again in 15 minutes or ask an administrator.');
        return [{ type: 'OperatorLoggedIn', data: { operatorId }, occurredAt: now }];
      case 'failed':
        if (isLockedOut(state, now) || inWindow(state.unresolved, now.getTime()).length < LOCKOUT_FAILURES) return [];
        return [{ type: 'OperatorLockedOut', data: { operatorId, until: new Date(now.getTime() + LOCKOUT_DURATION_MS).toISOString() }, occurredAt: now }];
      case 'unlock':
        // A reset clears whatever failures there were; an unlock of an account that is not locked is a mistake.
        if (command.by === 'UNLOCK' && !locked && state.unresolved.length === 0) throw new Refusal(409, 'ACCOUNT_NOT_LOCKED', 'This account is not locked.');
        if (command.by === 'PASSWORD_RESET' && !locked && state.unresolved.length === 0) return [];
        return [{ type: 'OperatorUnlocked', data: { operatorId, actorId: command.actorId, by: command.by }, occurredAt: now }];
      case 'logout':
        return [{ type: 'OperatorLoggedOut', data: { operatorId }, occurredAt: now }];
    }
  },
};

export function isLockedOut(signIns: SignIns, now: Date): boolean {
  return signIns.lockedUntil !== null && signIns.lockedUntil > now.getTime();
}
