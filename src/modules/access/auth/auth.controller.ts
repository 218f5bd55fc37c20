import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { ApiError } from '../../../infrastructure/http/api-error';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import type { Infrastructure } from '../../../infrastructure/bootstrap';
import { Public } from '../../../infrastructure/security/access-rule';
import { routeTemplate } from '../../../infrastructure/security/access.guard';
import { verifyAgainstNothing, verifyPassword } from '../../../infrastructure/security/passwords';
import { DenialRecorder } from '../denials/denial-recorder';
import { OperatorAccounts } from '../operators/accounts';
import { SIGN_IN_TAIL, isLockedOut, operatorDecider, operatorStream, signInDecider, signInStream } from '../operators/operator';
import type { Request } from 'express';

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

/** Sign-in (Pasal 3(1)(c)): argon2id, lockout after 5 failures in 15 minutes, short-lived tokens. */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
    private readonly denials: DenialRecorder,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in: returns a bearer token' })
  @ApiResponse({ status: 401, description: 'LOGIN_FAILED (unknown user id and wrong password answer alike)' })
  @ApiResponse({ status: 403, description: 'ACCOUNT_LOCKED, OPERATOR_SUSPENDED, OPERATOR_REVOKED' })
  async login(@Body() body: LoginDto, @Req() request: Request) {
    const account = await this.accounts.byUserId(body.userId);
    if (!account) {
      await verifyAgainstNothing(body.password); // same time as a real check
      throw BAD_CREDENTIALS();
    }
    const { state } = await loadState(this.store, operatorStream(account.operatorId), operatorDecider);
    const signIns = signInStream(account.operatorId);
    const { state: recent } = await loadState(this.store, signIns, signInDecider, { tail: SIGN_IN_TAIL });
    const now = new Date();
    const route = routeTemplate(request);
    const record = (succeeded: boolean) =>
      handle(this.store, signIns, signInDecider, { kind: 'record', operatorId: account.operatorId, succeeded }, { tail: SIGN_IN_TAIL });
    if (isLockedOut(recent, now)) {
      await this.denials.record('ACCOUNT_LOCKED', { route, operatorId: account.operatorId, role: state.role });
      throw new ApiError(403, 'ACCOUNT_LOCKED', 'Too many failed attempts; try again in 15 minutes or ask an administrator.');
    }
    const valid = await verifyPassword(account.passwordHash, body.password);
    if (!valid) {
      await record(false);
      throw BAD_CREDENTIALS();
    }
    if (state.status !== 'ACTIVE') {
      const reason = state.status === 'SUSPENDED' ? 'OPERATOR_SUSPENDED' : 'OPERATOR_REVOKED';
      await this.denials.record(reason, { route, operatorId: account.operatorId, role: state.role });
      throw new ApiError(403, reason, `This account is ${state.status.toLowerCase()}.`);
    }
    await record(true);
    const ttl = this.infra.config.tokenTtlSeconds;
    const accessToken = await this.accounts.openSession(account.operatorId, ttl);
    return { accessToken, expiresIn: ttl, role: state.role, facilityId: state.facilityId || null, operatorId: account.operatorId };
  }
}
