import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Type } from '@sinclair/typebox';
import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, Matches } from 'class-validator';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { IsCalendarDate, UuidParam } from '../../../infrastructure/http/validation';
import { Refusals } from '../../../infrastructure/http/refusals';
import { Allow } from '../auth/access-rule';
import type { AuthenticatedRequest } from '../auth/access.guard';
import type { Actor } from '../parties/actor';
import { AGREEMENT_NUMBER, GRANTED_FIELDS, TERMINATION_REASONS, type TerminationReason } from './agreement.events';
import { AgreementChangedSchema, AgreementSchema, presentAgreement } from './agreement-reply';
import {
  ConfirmAgreementChange,
  ProposeAgreementExtension,
  ProposeAgreementSigning,
  ProposeAgreementTermination,
  RejectAgreementChange,
  type AgreementChanged,
} from './agreements.commands';
import { GetAgreement, ListAgreements } from './agreements.queries';

const NUMBER = new RegExp(AGREEMENT_NUMBER);

export class SignAgreementDto {
  @ApiProperty({ example: '473.3/2271.12/IX/2022', description: "Disdukcapil's number of the agreement" })
  @Matches(NUMBER, { message: 'dukcapilNumber must be an agreement number like 473.3/2271.12/IX/2022' })
  dukcapilNumber!: string;

  @ApiProperty({ example: '440/2633.17.5/IX/2022', description: "Dinkes' number of the agreement" })
  @Matches(NUMBER, { message: 'dinkesNumber must be an agreement number like 440/2633.17.5/IX/2022' })
  dinkesNumber!: string;

  @ApiProperty({ example: '2022-09-16', format: 'date' })
  @IsCalendarDate()
  signedOn!: string;

  @ApiProperty({ example: '2022-09-16', format: 'date', description: 'First day of validity (WIB)' })
  @IsCalendarDate()
  validFrom!: string;

  @ApiProperty({ example: '2024-09-15', format: 'date', description: 'Last day of validity, through 23:59:59.999 WIB' })
  @IsCalendarDate()
  validUntil!: string;

  @ApiProperty({ enum: GRANTED_FIELDS, isArray: true })
  @IsArray()
  @ArrayMaxSize(9)
  @ArrayUnique()
  @IsIn(GRANTED_FIELDS, { each: true, message: `grantedFields must be among ${GRANTED_FIELDS.join(', ')}` })
  grantedFields!: string[];
}

export class ExtendAgreementDto {
  @ApiProperty({ example: '473.3/1234/IX/2024', description: 'Number of the addendum' })
  @Matches(NUMBER, { message: 'addendumNumber must be an agreement number' })
  addendumNumber!: string;

  @ApiProperty({ example: '2026-09-15', format: 'date', description: 'New last day of validity (WIB)' })
  @IsCalendarDate()
  validUntil!: string;
}

export class TerminateAgreementDto {
  @ApiProperty({ enum: TERMINATION_REASONS })
  @IsIn(TERMINATION_REASONS, { message: `reason must be one of ${TERMINATION_REASONS.join(', ')}` })
  reason!: TerminationReason;

  @ApiProperty({ example: '2025-01-31', format: 'date', description: 'Day the termination takes effect, from 00:00 WIB' })
  @IsCalendarDate()
  effectiveOn!: string;
}

/**
 * The agreement register (Pasal 5, 6, 7, 10). Status is computed at the moment of the request. Signing,
 * extending and ending by consent are proposed by one party and take effect when the other confirms.
 */
@ApiTags('agreements')
@ApiBearerAuth()
@Controller('v1/agreements')
export class AgreementsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({
    summary: 'The agreements, with status (PENDING: signing not confirmed by the other party yet, NOT_YET_VALID, ACTIVE, EXPIRED, TERMINATED) and days left',
  })
  @ApiAnswer(Type.Array(AgreementSchema), { description: 'Every agreement, signed or proposed' })
  async list() {
    return this.queryBus.execute(new ListAgreements(new Date()));
  }

  @Get(':id')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'One agreement, read from its events' })
  @ApiAnswer(AgreementSchema, { description: 'The agreement' })
  @Refusals({ 404: ['AGREEMENT_NOT_FOUND'] })
  async get(@Param('id', UuidParam) id: string) {
    return this.queryBus.execute(new GetAgreement(id, new Date()));
  }

  @Post()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Propose signing an agreement: PENDING, granting nothing, until the other party confirms it' })
  @ApiAnswer(AgreementChangedSchema, { status: 201, description: 'Proposed (status PENDING); `change.changeId` is what the other party confirms' })
  @Refusals({ 422: ['AGREEMENT_END_BEFORE_START', 'AGREEMENT_STARTS_BEFORE_SIGNING', 'AGREEMENT_NUMBERS_IDENTICAL'] })
  async sign(@Body() body: SignAgreementDto, @Req() request: AuthenticatedRequest) {
    return reply(await this.commandBus.execute(new ProposeAgreementSigning(body, actorOf(request), correlationOf(request).correlationId)));
  }

  @Post(':id/extensions')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Propose an extension by addendum (Pasal 5): grants nothing until the other party confirms it' })
  @ApiAnswer(AgreementChangedSchema, { status: 201, description: 'Proposed: the agreement as it stands, and the proposed change' })
  @Refusals({ 404: ['AGREEMENT_NOT_FOUND'], 409: ['ADDENDUM_NUMBER_USED'], 422: ['AGREEMENT_TERMINATED', 'AGREEMENT_NOT_SIGNED', 'EXTENSION_NOT_LATER'] })
  async extend(@Param('id', UuidParam) id: string, @Body() body: ExtendAgreementDto, @Req() request: AuthenticatedRequest) {
    return reply(await this.commandBus.execute(new ProposeAgreementExtension(id, body, actorOf(request), correlationOf(request).correlationId)));
  }

  @Post(':id/termination')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({
    summary:
      'Terminate (Pasal 10) from 00:00 WIB of the effective date: by consent, proposed by one party and confirmed by the other; for BREACH_BY_DINKES, by Disdukcapil alone, at once',
  })
  @Refusals({
    403: ['BREACH_TERMINATION_BY_DISDUKCAPIL_ONLY'],
    404: ['AGREEMENT_NOT_FOUND'],
    422: [
      'AGREEMENT_TERMINATED',
      'AGREEMENT_NOT_SIGNED',
      'TERMINATION_BEFORE_START',
      ['BREACH_TERMINATION_TAKES_EFFECT_TODAY', 'a termination for breach is dated today, WIB'],
    ],
  })
  @ApiAnswer(AgreementChangedSchema, { status: 201, description: 'Proposed (or, for breach, recorded at once): the agreement after it, and the change' })
  async terminate(@Param('id', UuidParam) id: string, @Body() body: TerminateAgreementDto, @Req() request: AuthenticatedRequest) {
    return reply(await this.commandBus.execute(new ProposeAgreementTermination(id, body, actorOf(request), correlationOf(request).correlationId)));
  }

  @Post(':id/changes/:changeId/confirmation')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Confirm the other party's proposed change: it takes effect now" })
  @ApiAnswer(AgreementChangedSchema, { status: 201, description: 'Confirmed: the agreement after the change, and the change' })
  @Refusals({
    403: [['OWN_PROPOSAL', 'the proposing party cannot confirm its own proposal']],
    404: ['AGREEMENT_NOT_FOUND', 'AGREEMENT_CHANGE_NOT_FOUND'],
    409: ['AGREEMENT_CHANGE_NOT_PENDING', 'AGREEMENT_EXISTS', 'ADDENDUM_NUMBER_USED'],
    // Checked again at confirmation: the agreement may have changed since the proposal.
    422: [
      'AGREEMENT_END_BEFORE_START',
      'AGREEMENT_STARTS_BEFORE_SIGNING',
      'AGREEMENT_NUMBERS_IDENTICAL',
      'AGREEMENT_NOT_SIGNED',
      'AGREEMENT_TERMINATED',
      'EXTENSION_NOT_LATER',
      'TERMINATION_BEFORE_START',
    ],
  })
  async confirm(@Param('id', UuidParam) id: string, @Param('changeId', UuidParam) changeId: string, @Req() request: AuthenticatedRequest) {
    return reply(await this.commandBus.execute(new ConfirmAgreementChange(id, changeId, actorOf(request), correlationOf(request).correlationId)));
  }

  @Post(':id/changes/:changeId/rejection')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Refuse the other party's proposed change (or withdraw your own): it never takes effect" })
  @ApiAnswer(AgreementChangedSchema, { status: 201, description: 'Rejected: the agreement (unchanged), and the change' })
  @Refusals({ 404: ['AGREEMENT_NOT_FOUND', 'AGREEMENT_CHANGE_NOT_FOUND'], 409: ['AGREEMENT_CHANGE_NOT_PENDING'] })
  async reject(@Param('id', UuidParam) id: string, @Param('changeId', UuidParam) changeId: string, @Req() request: AuthenticatedRequest) {
    return reply(await this.commandBus.execute(new RejectAgreementChange(id, changeId, actorOf(request), correlationOf(request).correlationId)));
  }
}

function actorOf(request: AuthenticatedRequest): Actor {
  return { actorId: request.caller!.operatorId, role: request.caller!.role };
}

/** The agreement after the command, as of now, with the change it concerned. */
function reply({ agreement, change }: AgreementChanged) {
  return { ...presentAgreement(agreement, new Date()), change };
}
