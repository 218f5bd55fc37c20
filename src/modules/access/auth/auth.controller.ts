import { Body, Controller, HttpCode, Inject, Post, Req, Res, type OnModuleInit } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { Refusal, type RefusedParty } from '../../../infrastructure/refusal';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import type { Infrastructure } from '../../../infrastructure/infrastructure';
import { Allow, DuringPasswordChange, Public } from './access-rule';
import type { AuthenticatedRequest } from './access.guard';
import { hashOfNothing, verifyPassword } from '../../../infrastructure/security/passwords';
import { DenialRecorder } from '../denials/denial-recorder';
import { OperatorAccounts } from '../operators/accounts';
import { AccessMetrics } from '../access.metrics';
import { AUDIT_SIGNER, type AuditSigner } from '../../audit/audit-signer';
import { SIGN_IN_TAIL, operatorDecider, operatorStream, signInDecider, signInStream, signOutStream } from '../operators/operator';
import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { SignInAdmission } from './sign-in-admission';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  userId!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 128)
  password!: string;
}

const BAD_CREDENTIALS = () => new Refusal(401, 'LOGIN_FAILED', 'Unknown user id or wrong password.');
const LOCKED = (party: RefusedParty) => new Refusal(403, 'ACCOUNT_LOCKED', 'Too many failed attempts; try again in 15 minutes or ask an administrator.', { party });

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
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController implements OnModuleInit {
  private readonly admission: SignInAdmission;
  private readonly pseudonyms: SignInPseudonyms;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
    private readonly denials: DenialRecorder,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    private readonly metrics: AccessMetrics,
    @Inject(AUDIT_SIGNER) auditSigner: AuditSigner,
  ) {
    this.admission = new SignInAdmission(infra.config.signIn.attemptsPerMinute, infra.config.signIn.maxWaiting);
    let key: Buffer | undefined;
    this.pseudonyms = new SignInPseudonyms(() => (key ??= auditSigner().deriveSecret('sign-in pseudonyms')));
  }

  async onModuleInit(): Promise<void> {
    await hashOfNothing(); // made once at start, so no sign-in pays for it
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in: returns a bearer token; mustChangePassword: the session may only change its own password (and sign out)' })
  @ApiResponse({ status: 401, description: 'LOGIN_FAILED (unknown user id and wrong password answer alike)' })
  @ApiResponse({ status: 403, description: 'ACCOUNT_LOCKED (after 5 failures in 15 minutes, for 15 minutes; alike for unknown user ids), OPERATOR_SUSPENDED, OPERATOR_REVOKED' })
  @ApiResponse({ status: 429, description: 'SIGN_IN_RATE_LIMITED: too many attempts from this address in a minute (Retry-After)' })
  @ApiResponse({ status: 503, description: 'SIGN_IN_BUSY: too many sign-ins waiting for the password check (Retry-After)' })
  async login(@Body() body: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const admitted = this.admission.admit(request.ip ?? '');
    if ('refused' in admitted) {
      response.setHeader('Retry-After', String(admitted.retryAfter));
      throw admitted.refused;
    }
    try {
      return await this.signIn(body, request);
    } finally {
      admitted.release();
    }
  }

  @Post('logout')
  @HttpCode(204)
  @Allow('PUSKESMAS_OPERATOR', 'DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE')
  @DuringPasswordChange()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign out: this token is refused from the next request on' })
  @ApiResponse({ status: 204, description: 'Signed out (recorded as OperatorLoggedOut)' })
  async logout(@Req() request: AuthenticatedRequest) {
    const { operatorId } = request.caller!;
    await this.accounts.closeSession(request.token!);
    await handle(this.store, signOutStream(operatorId), signInDecider, { kind: 'logout', operatorId }, { tail: 1, attempts: 50, ...correlationOf(request) });
  }

  private async signIn(body: LoginDto, request: Request) {
    // One path for every user id: one without an account is counted under its pseudonymous operator id
    // and checked against a hash of nothing, so it reads, appends, hashes and locks out like a real one.
    const account = await this.accounts.byUserId(body.userId);
    const operatorId = account?.operatorId ?? this.pseudonyms.operatorIdFor(body.userId);
    const passwordHash = account?.passwordHash ?? (await hashOfNothing());
    const { state } = await loadState(this.store, operatorStream(operatorId), operatorDecider);
    const role = state.operatorId ? state.role : undefined;
    const signIns = signInStream(operatorId);
    const step = (kind: 'attempt' | 'succeeded' | 'failed') =>
      handle(this.store, signIns, signInDecider, { kind, operatorId }, { tail: SIGN_IN_TAIL, attempts: 50, ...correlationOf(request) });
    try {
      await step('attempt'); // counted before the password is checked: parallel guesses cannot outrun the lockout
    } catch (error) {
      if (error instanceof Refusal && error.code === 'ACCOUNT_LOCKED') {
        throw LOCKED({ operatorId, role });
      }
      throw error;
    }
    const matches = await verifyPassword(passwordHash, body.password);
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
