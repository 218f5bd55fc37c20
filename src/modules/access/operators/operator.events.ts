import type { TProperties } from '@sinclair/typebox';
import { Bool, Closed, DateTime, OneOf, Optional, Uuid, defineEvent } from '../../../infrastructure/event-store/typed-events';
import { ActorId, PARTIES, withActor } from '../parties/actor';

export const ROLES = ['PUSKESMAS_OPERATOR', 'DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'] as const;
export type Role = (typeof ROLES)[number];

/** An event about one account: its id, and what else `fields` lists. */
const operatorOnly = <const T extends string, P extends TProperties = Record<never, never>>(type: T, fields: P = {} as P) =>
  defineEvent(type, Closed({ operatorId: Uuid(), ...fields }), { version: 1 });

export const OperatorEnrolled = withActor(
  // facilityId: the Puskesmas of an operator, Dinkes for an administrator; none for auditors and the Bupati's office.
  defineEvent('OperatorEnrolled', Closed({ operatorId: Uuid(), facilityId: Optional(Uuid()), role: OneOf(ROLES) }), { version: 1 }),
);
export const OperatorSuspended = withActor(operatorOnly('OperatorSuspended'));
export const OperatorReinstated = withActor(operatorOnly('OperatorReinstated'));
export const OperatorRevoked = withActor(operatorOnly('OperatorRevoked'));
// by: SELF, or ADMIN (an administrator of the account's own party, or the offline recovery: see actorId).
export const OperatorPasswordChanged = withActor(operatorOnly('OperatorPasswordChanged', { by: OneOf(['SELF', 'ADMIN']) }));
export const OperatorLoggedIn = operatorOnly('OperatorLoggedIn');
export const OperatorSignInAttempted = operatorOnly('OperatorSignInAttempted');
export const OperatorLockedOut = operatorOnly('OperatorLockedOut', { until: DateTime() });
export const AdministratorRosterChanged = defineEvent(
  'AdministratorRosterChanged',
  Closed({ party: OneOf(PARTIES), operatorId: Uuid(), active: Bool(), actorId: ActorId() }),
  {
    version: 1,
    description:
      "A party's administrators (stream administrators-{party}), written with the expected revision BEFORE the account's own event: two concurrent suspensions of a party's last two administrators cannot both pass.",
  },
);
// A lockout lifted by an administrator of the account's party: by unlocking it, or by resetting its password.
export const OperatorUnlocked = operatorOnly('OperatorUnlocked', { actorId: ActorId(), by: OneOf(['UNLOCK', 'PASSWORD_RESET']) });
export const OperatorLoggedOut = operatorOnly('OperatorLoggedOut');

export const operatorEvents = [
  OperatorEnrolled,
  OperatorSuspended,
  OperatorReinstated,
  OperatorRevoked,
  OperatorPasswordChanged,
  OperatorLoggedIn,
  OperatorSignInAttempted,
  OperatorLockedOut,
  AdministratorRosterChanged,
  OperatorUnlocked,
  OperatorLoggedOut,
] as const;

/** What the sign-in decider folds (stream `signin-{operatorId}`). */
export const signInEvents = [OperatorSignInAttempted, OperatorLoggedIn, OperatorLockedOut, OperatorUnlocked] as const;
