import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Refusal, handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { ApiError } from '../../../infrastructure/http/api-error';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import type { Infrastructure } from '../../../infrastructure/bootstrap';
import { Public } from '../../../infrastructure/security/access-rule';
import { routeTemplate } from '../../../infrastructure/security/access.guard';
import { verifyAgainstNothing, verifyPassword } from '../../../infrastructure/security/passwords';
import { DenialRecorder } from '../denials/denial-recorder';
import { OperatorAccounts } from '../operators/accounts';
import { Metrics } from '../../../infrastructure/metrics/metrics';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS, SIGN_IN_TAIL, operatorDecider, operatorStream, signInDecider, signInStream, type SignInCommand } from '../operators/operator';
import { createHmac, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { correlationOf } from '../../../infrastructure/http/correlation';

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

const BAD_CREDENTIALS = () => new ApiError(401, 'LOGIN_FAILED', 'Unknown user id or wrong password.');
const LOCKED = () => new ApiError(403, 'ACCOUNT_LOCKED', 'Too many failed attempts; try again in 15 minutes or ask an administrator.');

/**
 * Failed attempts against user ids that do not exist, so that they lock like real ones and a lockout
 * does not tell whether an id exists. In memory only, keyed by an HMAC under a key that never leaves
 * the process, bounded in size.
 */
export class UnknownIdAttempts {
  private readonly key = randomBytes(32);
  private readonly attempts = new Map<string, number[]>();

  /** Records an attempt: LOCKED when this id already is (five in the window), LOCKS_NOW for the fifth. */
  attempt(userId: string, now = Date.now()): 'COUNTED' | 'LOCKS_NOW' | 'LOCKED' {
    const id = createHmac('sha256', this.key).update(userId).digest('base64url');
    const recent = (this.attempts.get(id) ?? []).filter((t) => t > now - LOCKOUT_WINDOW_MS);
    if (recent.length >= LOCKOUT_FAILURES) return 'LOCKED';
    recent.push(now);
    this.attempts.delete(id);
    this.attempts.set(id, recent);
    if (this.attempts.size > 10_000) this.attempts.delete(this.attempts.keys().next().value!);
    return recent.length >= LOCKOUT_FAILURES ? 'LOCKS_NOW' : 'COUNTED';
  }
}

/** How long a refused sign-in takes at least: above the slowest refusal measured (argon2id plus two appends on embedded PGlite). */
export const REFUSED_SIGN_IN_MS = 400;

/** Sign-in (Pasal 3(1)(c)): argon2id, lockout after 5 failures in 15 minutes, short-lived tokens. */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
    private readonly denials: DenialRecorder,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    private readonly metrics: Metrics,
  ) {}

  private readonly unknownIds = new UnknownIdAttempts();

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in: returns a bearer token' })
  @ApiResponse({ status: 401, description: 'LOGIN_FAILED (unknown user id and wrong password answer alike)' })
  @ApiResponse({ status: 403, description: 'ACCOUNT_LOCKED, OPERATOR_SUSPENDED, OPERATOR_REVOKED' })
  async login(@Body() body: LoginDto, @Req() request: Request) {
    const started = Date.now();
    try {
      return await this.signIn(body, request);
    } catch (error) {
      // A refused sign-in answers no sooner than a fixed time after it began, whichever path refused it: an
      // unknown user id does less work (no events) than a known one, and the difference would tell.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + REFUSED_SIGN_IN_MS - Date.now())));
      throw error;
    }
  }

  private async signIn(body: LoginDto, request: Request) {
    const account = await this.accounts.byUserId(body.userId);
    if (!account) {
      // The same answers as for a real account: a lockout after five tries, the same hashing work.
      const attempt = this.unknownIds.attempt(body.userId);
      if (attempt === 'LOCKED') throw LOCKED();
      if (attempt === 'LOCKS_NOW') this.metrics.lockout(); // someone guessing at user ids shows like a real lockout
      await verifyAgainstNothing(body.password);
      throw BAD_CREDENTIALS();
    }
    const { operatorId } = account;
    const { state } = await loadState(this.store, operatorStream(operatorId), operatorDecider);
    const signIns = signInStream(operatorId);
    const step = (kind: SignInCommand['kind']) =>
      handle(this.store, signIns, signInDecider, { kind, operatorId }, { tail: SIGN_IN_TAIL, attempts: 50, ...correlationOf(request) });
    try {
      await step('attempt'); // counted before the password is checked: parallel guesses cannot outrun the lockout
    } catch (error) {
      if (error instanceof Refusal && error.code === 'ACCOUNT_LOCKED') {
        await this.denials.record('ACCOUNT_LOCKED', { route: routeTemplate(request), operatorId, role: state.role, ...correlationOf(request) });
        throw LOCKED();
      }
      throw error;
    }
    if (!(await verifyPassword(account.passwordHash, body.password))) {
      const { events } = await step('failed');
      if (events.some((e) => e.type === 'OperatorLockedOut')) this.metrics.lockout();
      throw BAD_CREDENTIALS();
    }
    if (state.status !== 'ACTIVE') {
      const reason = state.status === 'SUSPENDED' ? 'OPERATOR_SUSPENDED' : 'OPERATOR_REVOKED';
      await this.denials.record(reason, { route: routeTemplate(request), operatorId, role: state.role, ...correlationOf(request) });
      throw new ApiError(403, reason, `This account is ${state.status.toLowerCase()}.`);
    }
    await step('succeeded');
    const ttl = this.infra.config.tokenTtlSeconds;
    const accessToken = await this.accounts.openSession(operatorId, ttl);
    return { accessToken, expiresIn: ttl, role: state.role, facilityId: state.facilityId || null, operatorId };
  }

}
