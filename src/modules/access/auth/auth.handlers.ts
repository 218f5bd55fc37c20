import { Inject, type OnModuleInit } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHmac } from 'node:crypto';
import type { Infrastructure } from '../../../infrastructure/infrastructure';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import { Refusal, type RefusedParty } from '../../../infrastructure/refusal';
import { hashOfNothing, verifyPassword } from '../../../infrastructure/security/passwords';
import { AUDIT_SIGNER, type AuditSigner } from '../../audit/audit-signer';
import { AccessMetrics } from '../access.metrics';
import { OperatorAccounts } from '../operators/accounts';
import { SIGN_IN_TAIL, operatorDecider, operatorStream, signInDecider, signInStream, signOutStream } from '../operators/operator';
import { SignIn, SignOut, type SignedIn } from './auth.commands';
import { SignInAdmission } from './sign-in-admission';

const BAD_CREDENTIALS = () => new Refusal(401, 'LOGIN_FAILED', 'Unknown user id or wrong password.');
const LOCKED = (party: RefusedParty) =>
  new Refusal(403, 'ACCOUNT_LOCKED', 'Too many failed attempts; try again in 15 minutes or ask an administrator.', { party });

/**
 * The operator id a sign-in is counted under when its user id has no account: an HMAC of the user id
 * under a key derived from the audit signing key (kept with it, the same on every instance, surviving
 * restarts), shaped as a random UUID. Its attempts and lockouts are stored like a real operator's, so an
 * unknown user id takes exactly the path of a known one, and the user id itself is in no event.
 */
export class SignInPseudonyms {
  constructor(private readonly key: () => Buffer) {}

  operatorIdFor(userId: string): string {
    const bytes = createHmac('sha256', this.key()).update(userId).digest().subarray(0, 16);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** Sign-in (Pasal 3(1)(c)): argon2id, lockout after 5 failures in 15 minutes, short-lived tokens. */
@CommandHandler(SignIn)
export class SignInHandler implements ICommandHandler<SignIn>, OnModuleInit {
  private readonly pseudonyms: SignInPseudonyms;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    private readonly metrics: AccessMetrics,
    @Inject(AUDIT_SIGNER) auditSigner: AuditSigner,
    private readonly admission: SignInAdmission,
  ) {
    let key: Buffer | undefined;
    this.pseudonyms = new SignInPseudonyms(() => (key ??= auditSigner().deriveSecret('sign-in pseudonyms')));
  }

  async onModuleInit(): Promise<void> {
    await hashOfNothing(); // made once at start, so no sign-in pays for it
  }

  async execute(command: SignIn): Promise<SignedIn> {
    // Admitted first, before anything is read or hashed; past the limits the answer comes at once (with Retry-After).
    const admitted = this.admission.admit(command.source);
    if ('refused' in admitted) throw admitted.refused;
    try {
      return await this.signIn(command);
    } finally {
      admitted.release();
    }
  }

  private async signIn({ userId, password, correlationId }: SignIn): Promise<SignedIn> {
    // One path for every user id: one without an account is counted under its pseudonymous operator id
    // and checked against a hash of nothing, so it reads, appends, hashes and locks out like a real one.
    const account = await this.accounts.byUserId(userId);
    const operatorId = account?.operatorId ?? this.pseudonyms.operatorIdFor(userId);
    const passwordHash = account?.passwordHash ?? (await hashOfNothing());
    const { state } = await loadState(this.store, operatorStream(operatorId), operatorDecider);
    const role = state.operatorId ? state.role : undefined;
    const step = (kind: 'attempt' | 'succeeded' | 'failed') =>
      handle(this.store, signInStream(operatorId), signInDecider, { kind, operatorId }, { tail: SIGN_IN_TAIL, attempts: 50, correlationId });
    try {
      await step('attempt'); // counted before the password is checked: parallel guesses cannot outrun the lockout
    } catch (error) {
      if (error instanceof Refusal && error.code === 'ACCOUNT_LOCKED') throw LOCKED({ operatorId, role });
      throw error;
    }
    const matches = await verifyPassword(passwordHash, password);
    if (!matches || !account) {
      const { events } = await step('failed');
      if (events.some((e) => e.type === 'OperatorLockedOut')) this.metrics.lockout();
      throw BAD_CREDENTIALS();
    }
    if (state.status !== 'ACTIVE') {
      const reason = state.status === 'SUSPENDED' ? 'OPERATOR_SUSPENDED' : 'OPERATOR_REVOKED';
      throw new Refusal(403, reason, `This account is ${state.status.toLowerCase()}.`, { party: { operatorId, role } });
    }
    await step('succeeded');
    const ttl = this.infra.config.tokenTtlSeconds;
    const accessToken = await this.accounts.openSession(operatorId, ttl);
    return { accessToken, expiresIn: ttl, role: state.role, facilityId: state.facilityId || null, operatorId, mustChangePassword: state.mustChangePassword };
  }
}

@CommandHandler(SignOut)
export class SignOutHandler implements ICommandHandler<SignOut> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
  ) {}

  async execute({ operatorId, token, correlationId }: SignOut): Promise<void> {
    await this.accounts.closeSession(token);
    await handle(this.store, signOutStream(operatorId), signInDecider, { kind: 'logout', operatorId }, { tail: 1, attempts: 50, correlationId });
  }
}

export const AUTH_PROVIDERS = [
  SignInHandler,
  SignOutHandler,
  {
    provide: SignInAdmission,
    inject: [INFRASTRUCTURE],
    useFactory: (infra: Infrastructure) => new SignInAdmission(infra.config.signIn.attemptsPerMinute, infra.config.signIn.maxWaiting),
  },
];
