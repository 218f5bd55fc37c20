import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { ApiError } from '../../../infrastructure/http/api-error';
import { IsCalendarDate, UuidParam } from '../../../infrastructure/http/validation';
import { Allow } from '../../../infrastructure/security/access-rule';
import {
  AGREEMENT_NUMBER,
  GRANTED_FIELDS,
  TERMINATION_REASONS,
  agreementDecider,
  agreementStatus,
  agreementStream,
  type Agreement,
  type TerminationReason,
} from './agreement';
import { correlationOf } from '../../../infrastructure/http/correlation';

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

/** The agreement register (Pasal 5, 6, 7, 10). Status is computed at the moment of the request. */
@ApiTags('agreements')
@ApiBearerAuth()
@Controller('v1/agreements')
export class AgreementsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
  ) {}

  @Get()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'The agreements, with status (NOT_YET_VALID, ACTIVE, EXPIRED, TERMINATED) and days left' })
  async list() {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT agreement_id, dukcapil_number, dinkes_number, to_char(signed_on, 'YYYY-MM-DD') AS signed_on, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
              to_char(valid_until, 'YYYY-MM-DD') AS valid_until, granted_fields, addenda, termination_reason, to_char(terminated_on, 'YYYY-MM-DD') AS terminated_on
       FROM agreement_register ORDER BY valid_from`,
    );
    const now = new Date();
    return rows.map((r) =>
      present(
        {
          agreementId: r.agreement_id as string,
          dukcapilNumber: r.dukcapil_number as string,
          dinkesNumber: r.dinkes_number as string,
          signedOn: r.signed_on as string,
          validFrom: r.valid_from as string,
          validUntil: r.valid_until as string,
          grantedFields: r.granted_fields as string[],
          addenda: r.addenda as Agreement['addenda'],
          termination: r.termination_reason ? { reason: r.termination_reason as TerminationReason, effectiveOn: r.terminated_on as string } : null,
        },
        now,
      ),
    );
  }

  @Get(':id')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'One agreement, read from its events' })
  @ApiResponse({ status: 404, description: 'AGREEMENT_NOT_FOUND' })
  async get(@Param('id', UuidParam) id: string) {
    const { state } = await loadState(this.store, agreementStream(id), agreementDecider);
    if (!state.agreementId) throw new ApiError(404, 'AGREEMENT_NOT_FOUND', 'No agreement with this id.');
    return present(state, new Date());
  }

  @Post()
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Record a signed agreement' })
  @ApiResponse({ status: 201, description: 'Signed' })
  @ApiResponse({ status: 422, description: 'AGREEMENT_END_BEFORE_START, AGREEMENT_STARTS_BEFORE_SIGNING, AGREEMENT_NUMBERS_IDENTICAL' })
  async sign(@Body() body: SignAgreementDto, @Req() request: Request) {
    const agreementId = randomUUID();
    const { state } = await handle(this.store, agreementStream(agreementId), agreementDecider, { kind: 'sign', agreementId, ...body }, correlationOf(request));
    return present(state, new Date());
  }

  @Post(':id/extensions')
  @HttpCode(201)
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Extend by addendum (Pasal 5): a new last day of validity' })
  @ApiResponse({ status: 422, description: 'AGREEMENT_TERMINATED, EXTENSION_NOT_LATER' })
  @ApiResponse({ status: 409, description: 'ADDENDUM_NUMBER_USED' })
  async extend(@Param('id', UuidParam) id: string, @Body() body: ExtendAgreementDto, @Req() request: Request) {
    const { state } = await handle(this.store, agreementStream(id), agreementDecider, { kind: 'extend', ...body }, correlationOf(request));
    return present(state, new Date());
  }

  @Post(':id/termination')
  @HttpCode(201)
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Terminate (Pasal 10): takes effect from 00:00 WIB of the effective date' })
  @ApiResponse({ status: 422, description: 'AGREEMENT_TERMINATED, TERMINATION_BEFORE_START' })
  async terminate(@Param('id', UuidParam) id: string, @Body() body: TerminateAgreementDto, @Req() request: Request) {
    const { state } = await handle(this.store, agreementStream(id), agreementDecider, { kind: 'terminate', ...body }, correlationOf(request));
    return present(state, new Date());
  }
}

function present(agreement: Agreement, now: Date) {
  const { status, daysLeft } = agreementStatus(agreement, now);
  return { ...agreement, status, daysLeft, asOf: now.toISOString() };
}
