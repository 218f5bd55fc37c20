import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { SignedInSchema } from './auth.answers';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Refusals } from '../../../infrastructure/http/refusals';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { Allow, DuringPasswordChange, Public } from './access-rule';
import type { AuthenticatedRequest } from './access.guard';
import { SignIn, SignOut } from './auth.commands';

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

/** Sign-in and sign-out: commands for auth.handlers.ts (which also admits sign-ins per address). */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in: returns a bearer token; mustChangePassword: the session may only change its own password (and sign out)' })
  @ApiAnswer(SignedInSchema, { description: 'Signed in' })
  @Refusals(
    {
      401: [['LOGIN_FAILED', 'unknown user id and wrong password answer alike']],
      403: [['ACCOUNT_LOCKED', 'after 5 failures in 15 minutes, for 15 minutes; alike for unknown user ids'], 'OPERATOR_SUSPENDED', 'OPERATOR_REVOKED'],
      429: [['SIGN_IN_RATE_LIMITED', 'too many attempts from this address in a minute']],
      503: [['SIGN_IN_BUSY', 'too many sign-ins waiting for the password check']],
    },
    { retryAfter: [503] },
  )
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.commandBus.execute(new SignIn(body.userId, body.password, request.ip ?? '', correlationOf(request).correlationId));
  }

  @Post('logout')
  @HttpCode(204)
  @Allow('PUSKESMAS_OPERATOR', 'DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE')
  @DuringPasswordChange()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign out: this token is refused from the next request on' })
  @ApiResponse({ status: 204, description: 'Signed out (recorded as OperatorLoggedOut)' })
  async logout(@Req() request: AuthenticatedRequest): Promise<void> {
    await this.commandBus.execute(new SignOut(request.caller!.operatorId, request.token!, correlationOf(request).correlationId));
  }
}
