import { Type } from '@sinclair/typebox';
import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { AccountListingSchema, AccountStatusSchema, EnrolledSchema, UnlockedSchema } from './operators.answers';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { UuidParam } from '../../../infrastructure/http/validation';
import { Refusals } from '../../../infrastructure/http/refusals';
import { Allow, DuringPasswordChange } from '../auth/access-rule';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { partyOfRole, type Actor } from '../parties/actor';
import { ROLES, type Role } from './operator.events';
import {
  ChangeOperatorPassword,
  EnrolOperator,
  EraseOperatorProfile,
  ReinstateOperator,
  RevokeOperator,
  SuspendOperator,
  UnlockOperator,
} from './operators.commands';
import { ListOperators } from './operators.queries';

export const USER_ID = /^[a-z0-9][a-z0-9._-]{2,39}$/;

export class EnrolOperatorDto {
  @ApiProperty({ example: 'pkm.jaten1.loket2', description: 'Login name: 3-40 lower-case letters, digits, . _ -' })
  @Matches(USER_ID, { message: 'userId must be 3-40 lower-case letters, digits, dots, dashes or underscores' })
  userId!: string;

  @ApiProperty({
    minLength: 12,
    maxLength: 128,
    description:
      'Initial password; the operator must change it at first sign-in. Not a common password, not containing the user id, not one character repeated',
  })
  @IsString()
  @Length(12, 128, { message: 'password must be 12 to 128 characters' })
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'The Puskesmas of a PUSKESMAS_OPERATOR; Dinkes for a DINKES_ADMIN; none for the other roles' })
  @IsOptional()
  @IsUUID(undefined, { message: 'facilityId must be a UUID' })
  facilityId?: string;

  @ApiPropertyOptional({ description: "The person's name (profile: erasable, never in an event)" })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  displayName?: string;

  @ApiPropertyOptional({ description: 'NIP (civil servant number), profile only' })
  @IsOptional()
  @Matches(/^[0-9]{18}$/, { message: 'nip must be 18 digits' })
  nip?: string;

  @ApiPropertyOptional({ description: 'Phone, profile only' })
  @IsOptional()
  @Matches(/^\+?[0-9]{8,15}$/, { message: 'phone must be 8-15 digits, optionally starting with +' })
  phone?: string;
}

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'Required when changing your own password' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  currentPassword?: string;

  @ApiProperty({ minLength: 12, maxLength: 128, description: 'Not a common password, not containing the user id, not one character repeated' })
  @IsString()
  @Length(12, 128, { message: 'newPassword must be 12 to 128 characters' })
  newPassword!: string;
}

/** The password policy's refusals (too short is VALIDATION_FAILED, among the codes every route shares). */
const WEAK_PASSWORD = ['PASSWORD_TOO_COMMON', 'PASSWORD_CONTAINS_USER_ID', 'PASSWORD_REPEATED_CHARACTER'];
const OTHER_PARTYS_ACCOUNT = ['OTHER_PARTYS_ACCOUNT', 'an account of the other party'] as const;
const LAST_ADMINISTRATOR = ['LAST_ADMINISTRATOR', 'the last active administrator of its party'] as const;

/**
 * Operator accounts (Pasal 3(1)(c), 4(2)(c)). Each party administers its own people: DINKES_ADMIN the
 * Dinkes and Puskesmas accounts, DUKCAPIL_AUDITOR the Disdukcapil and Bupati-office accounts. Every
 * change is an event naming its actor; a party's last active administrator cannot be suspended or revoked.
 * Each route maps HTTP to a command or query (operators.commands.ts, operators.queries.ts); the rules are
 * in the decider (operator.ts).
 */
@ApiTags('operators')
@ApiBearerAuth()
@Controller('v1/operators')
export class OperatorsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Your party's accounts with role, facility, status and lockout; profile details from the erasable profile table" })
  @ApiAnswer(Type.Array(AccountListingSchema), { description: "Your party's accounts, oldest enrolment first" })
  list(@Req() request: AuthenticatedRequest) {
    return this.queryBus.execute(new ListOperators(partyOfRole(request.caller!.role)));
  }

  @Post()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Enrol an account of your own party (DINKES_ADMIN: Dinkes and Puskesmas; DUKCAPIL_AUDITOR: Disdukcapil and Bupati office)' })
  @ApiAnswer(EnrolledSchema, { status: 201, description: 'Enrolled; the owner must change the password at first sign-in' })
  @Refusals({
    400: WEAK_PASSWORD,
    403: [['OTHER_PARTYS_ACCOUNT', "the role belongs to the other party's accounts"]],
    404: ['FACILITY_NOT_FOUND'],
    409: ['USER_ID_TAKEN'],
    422: ['FACILITY_REQUIRED', 'FACILITY_KIND_MISMATCH', 'FACILITY_NOT_EXPECTED'],
  })
  enrol(@Body() body: EnrolOperatorDto, @Req() request: AuthenticatedRequest) {
    const { userId, password, role, facilityId, displayName, nip, phone } = body;
    return this.commandBus.execute(
      new EnrolOperator(actorOf(request), userId, password, role, facilityId ?? null, { displayName, nip, phone }, correlationOf(request).correlationId),
    );
  }

  @Post(':id/suspension')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @Refusals({ 403: [OTHER_PARTYS_ACCOUNT], 404: ['OPERATOR_NOT_FOUND'], 409: [LAST_ADMINISTRATOR, 'OPERATOR_ALREADY_SUSPENDED', 'OPERATOR_REVOKED'] })
  @ApiOperation({ summary: 'Suspend: refused from the very next request' })
  @ApiAnswer(AccountStatusSchema, { status: 201, description: 'Suspended' })
  suspend(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new SuspendOperator(actorOf(request), id, correlationOf(request).correlationId));
  }

  @Post(':id/reinstatement')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @Refusals({ 403: [OTHER_PARTYS_ACCOUNT], 404: ['OPERATOR_NOT_FOUND'], 409: ['OPERATOR_ALREADY_ACTIVE', 'OPERATOR_REVOKED'] })
  @ApiOperation({ summary: 'Reinstate a suspended account' })
  @ApiAnswer(AccountStatusSchema, { status: 201, description: 'Reinstated; its earlier sessions stay ended' })
  reinstate(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new ReinstateOperator(actorOf(request), id, correlationOf(request).correlationId));
  }

  @Post(':id/revocation')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @Refusals({ 403: [OTHER_PARTYS_ACCOUNT], 404: ['OPERATOR_NOT_FOUND'], 409: [LAST_ADMINISTRATOR, 'OPERATOR_REVOKED'] })
  @ApiOperation({ summary: 'Revoke for good: refused from the very next request' })
  @ApiAnswer(AccountStatusSchema, { status: 201, description: 'Revoked' })
  revoke(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new RevokeOperator(actorOf(request), id, correlationOf(request).correlationId));
  }

  @Post(':id/password')
  @HttpCode(201)
  @Allow('PUSKESMAS_OPERATOR', 'DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE')
  @DuringPasswordChange()
  @ApiOperation({
    summary:
      "Change a password: your own (clears mustChangePassword), or reset one of your party's accounts as its administrator (the owner must change it at next sign-in; a lockout is lifted)",
  })
  @Refusals({
    400: [...WEAK_PASSWORD, 'PASSWORD_UNCHANGED'],
    403: [
      'NOT_YOUR_ACCOUNT',
      ['OTHER_PARTYS_ACCOUNT', 'an administrator of the other party'],
      'CURRENT_PASSWORD_WRONG',
      ['PASSWORD_CHANGE_REQUIRED', 'change your own first'],
    ],
    404: ['OPERATOR_NOT_FOUND'],
    409: ['OPERATOR_REVOKED'],
  })
  @ApiAnswer(AccountStatusSchema, { status: 201, description: 'Changed; every other session of the account ends' })
  changePassword(@Param('id', UuidParam) id: string, @Body() body: ChangePasswordDto, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(
      new ChangeOperatorPassword(
        actorOf(request),
        id,
        body.newPassword,
        body.currentPassword,
        !!request.mustChangePassword,
        request.token,
        correlationOf(request).correlationId,
      ),
    );
  }

  @Post(':id/unlock')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({
    summary: "Lift a lockout of one of your party's accounts (Dinkes: administrators and Puskesmas operators; Disdukcapil: auditors and the Bupati's office)",
  })
  @ApiAnswer(UnlockedSchema, { status: 201, description: 'Unlocked (recorded as OperatorUnlocked with your operator id)' })
  @Refusals({ 403: [OTHER_PARTYS_ACCOUNT], 404: ['OPERATOR_NOT_FOUND'], 409: ['ACCOUNT_NOT_LOCKED'] })
  unlockAccount(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new UnlockOperator(actorOf(request), id, correlationOf(request).correlationId));
  }

  @Delete(':id/profile')
  @HttpCode(204)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Erase a person's profile (name, NIP, phone) of your own party's account; the account's events stay" })
  @ApiResponse({ status: 204, description: 'Erased: the name, NIP and phone are gone; the account and its events stay' })
  @Refusals({ 403: [OTHER_PARTYS_ACCOUNT], 404: ['OPERATOR_NOT_FOUND'] })
  async eraseProfile(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest): Promise<void> {
    await this.commandBus.execute(new EraseOperatorProfile(actorOf(request), id));
  }
}

/** The signed-in caller as the actor of a command. */
const actorOf = (request: AuthenticatedRequest): Actor => ({ actorId: request.caller!.operatorId, role: request.caller!.role });
