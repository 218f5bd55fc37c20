import { Command } from '@nestjs/cqrs';
import type { Role } from '../operators/operator.events';

export interface SignedIn {
  accessToken: string;
  expiresIn: number;
  role: Role;
  facilityId: string | null;
  operatorId: string;
  /** The session may only change its own password (and sign out) until it does. */
  mustChangePassword: boolean;
}

/** Sign in with a user id and password: a bearer token, or LOGIN_FAILED / ACCOUNT_LOCKED / OPERATOR_SUSPENDED / OPERATOR_REVOKED. */
export class SignIn extends Command<SignedIn> {
  constructor(
    readonly userId: string,
    readonly password: string,
    /** The client's address, for the admission per address (never stored). */
    readonly source: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** End this session: its token is refused from the next request on. */
export class SignOut extends Command<void> {
  constructor(
    readonly operatorId: string,
    readonly token: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}
