import { Command } from '@nestjs/cqrs';
import type { Actor } from '../parties/actor';
import type { Profile } from './accounts';
import type { OperatorStatus } from './operator';
import type { Role } from './operator.events';

/** What the gateway answers about an account after a change. */
export interface AccountStatus {
  operatorId: string;
  role: Role;
  facilityId: string | null;
  status: OperatorStatus;
}

/** Enrol an account of the actor's own party, with its first password (owed a change at first sign-in). */
export class EnrolOperator extends Command<AccountStatus & { userId: string }> {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly password: string,
    readonly role: Role,
    readonly facilityId: string | null,
    readonly profile: Profile,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Suspend an account: refused from its very next request. */
export class SuspendOperator extends Command<AccountStatus> {
  constructor(
    readonly actor: Actor,
    readonly operatorId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Reinstate a suspended account; its sessions from before stay ended. */
export class ReinstateOperator extends Command<AccountStatus> {
  constructor(
    readonly actor: Actor,
    readonly operatorId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Revoke an account for good; its sessions end. */
export class RevokeOperator extends Command<AccountStatus> {
  constructor(
    readonly actor: Actor,
    readonly operatorId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Change your own password, or reset one of your party's accounts as its administrator. */
export class ChangeOperatorPassword extends Command<AccountStatus> {
  constructor(
    readonly actor: Actor,
    readonly operatorId: string,
    readonly newPassword: string,
    readonly currentPassword: string | undefined,
    /** The actor's session: a change of its own password is still owed. */
    readonly actorOwesPasswordChange: boolean,
    /** The actor's session token: a change of your own password keeps it and ends every other session. */
    readonly actorToken: string | undefined,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Lift a lockout of one of your party's accounts. */
export class UnlockOperator extends Command<{ operatorId: string; lockedUntil: null }> {
  constructor(
    readonly actor: Actor,
    readonly operatorId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Erase a person's profile (name, NIP, phone) of your own party's account; the account's events stay. */
export class EraseOperatorProfile extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly operatorId: string,
  ) {
    super();
  }
}
