import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiPropertyOptional, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { handle, loadState } from '../../infrastructure/event-store/command-handling';
import { Refusal } from '../../infrastructure/refusal';
import { WrongExpectedRevisionError } from '../../infrastructure/event-store/errors';
import { EVENT_STORE, type EventStore } from '../../infrastructure/event-store/event-store.port';
import { isUuid } from '../../infrastructure/ids';
import { UuidParam } from '../../infrastructure/http/validation';
import { Allow } from '../access/auth/access-rule';
import type { AuthenticatedRequest } from '../access/auth/access.guard';
import { requireOwnFacility } from '../access/auth/facility-scope';
import { DenialRecorder } from '../access/denials/denial-recorder';
import { accessStream } from '../access/lookups/access.events';
import { checkNik } from '../access/lookups/nik';
import regency from '../../reference/karanganyar.json';
import { agreementInForce } from '../access/agreements/agreement-in-force';
import { AccessTokens, isWellFormedToken } from '../access/lookups/access-token';
import { balikanDecider, balikanIdFor, type BalikanCommand, type BalikanKind } from './balikan';
import { BalikanOutbox } from './balikan-outbox';
import { BalikanDeliveryService } from './balikan-delivery.service';
import { correlationOf } from '../../infrastructure/http/correlation';

/** Printable text, no control characters: what a medical record or certificate number looks like. */
const CODE_TEXT = /^[A-Za-z0-9][A-Za-z0-9 ./_-]*$/;

export class SubmitBalikanDto {
  @ApiProperty({ format: 'uuid', description: 'The accessId of the lookup or card read that found the person' })
  @IsUUID(undefined, { message: 'accessId must be a UUID' })
  accessId!: string;

  @ApiProperty({ description: "The person's NIK (16 digits): the one the access looked up" })
  @IsString()
  @Length(1, 32)
  nik!: string;

  @ApiProperty({ description: 'The verificationToken of the lookup or card-read answer (43 characters, base64url): binds the balikan to the NIK that access found' })
  @IsString()
  @Length(1, 128)
  verificationToken!: string;

  @ApiPropertyOptional({ maxLength: 30, description: 'Nomor rekam medis' })
  @IsOptional()
  @IsString()
  @Length(1, 30, { message: 'medicalRecordNumber must be 1 to 30 characters' })
  @Matches(CODE_TEXT, { message: 'medicalRecordNumber may hold letters, digits, spaces and . / _ -' })
  medicalRecordNumber?: string;

  @ApiPropertyOptional({ enum: regency.bloodTypes, description: 'Golongan darah, SIAK list' })
  @IsOptional()
  @IsIn(regency.bloodTypes, { message: `bloodType must be one of ${regency.bloodTypes.join(', ')}` })
  bloodType?: string;

  @ApiPropertyOptional({ maxLength: 50, description: 'Nomor akta/surat keterangan kematian' })
  @IsOptional()
  @IsString()
  @Length(1, 50, { message: 'deathCertificateNumber must be 1 to 50 characters' })
  @Matches(CODE_TEXT, { message: 'deathCertificateNumber may hold letters, digits, spaces and . / _ -' })
  deathCertificateNumber?: string;
}

/**
 * Data balikan (Pasal 3(2)(b), 4(1)(b)): medical record number, blood type and death certificate number
 * sent back to the registry for a person an access found. Accepted at once (202), held sealed until the
 * registry acknowledges, then deleted. Its status never shows the values.
 */
@ApiTags('balikan')
@ApiBearerAuth()
@Controller('v1/balikan')
export class BalikanController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly outbox: BalikanOutbox,
    private readonly delivery: BalikanDeliveryService,
    private readonly denials: DenialRecorder,
    private readonly tokens: AccessTokens,
    private readonly db: DataSource,
  ) {}

  @Post()
  @HttpCode(202)
  @Allow('PUSKESMAS_OPERATOR')
  @ApiOperation({ summary: 'Submit data balikan for an access; delivered to the registry in the background' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A UUID; the same key returns the same balikan' })
  @ApiResponse({ status: 202, description: '{balikanId, status}: the same answer for every submission with one Idempotency-Key' })
  @ApiResponse({ status: 400, description: 'BALIKAN_EMPTY, NIK_NOT_16_DIGITS, NIK_UNKNOWN_PROVINCE, NIK_INVALID_DATE, IDEMPOTENCY_KEY_INVALID, VERIFICATION_TOKEN_MALFORMED, VALIDATION_FAILED' })
  @ApiResponse({ status: 403, description: 'FACILITY_SCOPE, AGREEMENT_NOT_ACTIVE (recorded)' })
  @ApiResponse({ status: 404, description: 'ACCESS_NOT_FOUND' })
  @ApiResponse({ status: 422, description: 'ACCESS_FOUND_NOBODY; NIK_DOES_NOT_MATCH_ACCESS (the NIK or the verificationToken is not that of the access; recorded)' })
  async submit(@Body() body: SubmitBalikanDto, @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: AuthenticatedRequest) {
    const caller = request.caller!;
    if (idempotencyKey !== undefined && !isUuid(idempotencyKey)) {
      throw new Refusal(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be a UUID.');
    }
    const kinds: BalikanKind[] = [];
    if (body.medicalRecordNumber !== undefined) kinds.push('MEDICAL_RECORD_NUMBER');
    if (body.bloodType !== undefined) kinds.push('BLOOD_TYPE');
    if (body.deathCertificateNumber !== undefined) kinds.push('DEATH_CERTIFICATE_NUMBER');
    if (kinds.length === 0) throw new Refusal(400, 'BALIKAN_EMPTY', 'Give at least one of medicalRecordNumber, bloodType, deathCertificateNumber.');
    const problem = checkNik(body.nik);
    if (problem) throw new Refusal(400, problem.problem, problem.message);

    if (!isWellFormedToken(body.verificationToken)) {
      throw new Refusal(400, 'VERIFICATION_TOKEN_MALFORMED', 'verificationToken must be the 43-character token of the lookup or card-read answer.');
    }
    const stream = accessStream(body.accessId);
    const { state } = await loadState(this.store, stream, balikanDecider);
    if (!state.accessId) throw new Refusal(404, 'ACCESS_NOT_FOUND', 'No access with this id.');
    requireOwnFacility(caller, state.facilityId);

    const balikanId = idempotencyKey ? balikanIdFor(caller.operatorId, body.accessId, idempotencyKey) : randomUUID();
    const now = new Date();
    const command: BalikanCommand = {
      kind: 'submit',
      balikanId,
      caller,
      kinds,
      agreementInForce: (await agreementInForce(this.store, this.db, now)).status === 'ACTIVE',
      nikMatchesAccess: this.tokens.verify(body.accessId, body.nik, body.verificationToken),
    };
    // Decide first: a refused submission leaves no row anywhere, so nothing refused can reach the registry.
    balikanDecider.decide(command, state, now); // refusals first: no outbox row for a refused balikan

    const known = state.balikan.get(balikanId)?.status;
    if (known === 'DELIVERED' || known === 'ABANDONED') return { balikanId, status: known }; // a repeat: nothing to hold again

    const { nik, medicalRecordNumber, bloodType, deathCertificateNumber } = body;
    const sealed = this.outbox.seal(balikanId, { nik, medicalRecordNumber, bloodType, deathCertificateNumber });
    const row = { balikanId, accessId: body.accessId, facilityId: state.facilityId, sealed };
    // The row first, not ready (no worker may claim it); then the event; then the ready mark.
    await this.outbox.reserve(row);
    let after;
    try {
      // Balikan of one access and their delivery records share its stream: retry a few more times than usual.
      after = await handle(this.store, stream, balikanDecider, command, { ...correlationOf(request), attempts: 10 });
    } catch (error) {
      // Known not appended: drop the row now (unless a concurrent request made it ready). Otherwise (the store
      // failed mid-way, the event may be stored) the sweeper decides on the event after STALE_AFTER_SECONDS.
      if (error instanceof Refusal || error instanceof WrongExpectedRevisionError) await this.outbox.release(balikanId);
      throw error;
    }
    const status = after.state.balikan.get(balikanId)!.status;
    // A repeat of a balikan already settled must not bring its row back.
    if (status === 'QUEUED' || status === 'FAILED_RETRYING') await this.outbox.markReady({ ...row, recorded: after.events.length > 0 });
    else await this.outbox.discardRepeat(balikanId); // the row this repeat reserved: no sealed NIK left behind
    this.delivery.wake();
    return { balikanId, status };
  }

  @Get(':id')
  @Allow('PUSKESMAS_OPERATOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Delivery status of a balikan (QUEUED, FAILED_RETRYING, DELIVERED, ABANDONED): never its values' })
  @ApiResponse({ status: 404, description: 'BALIKAN_NOT_FOUND' })
  async get(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    const indexed = await this.outbox.indexed(id);
    if (!indexed) throw new Refusal(404, 'BALIKAN_NOT_FOUND', 'No balikan with this id.');
    requireOwnFacility(request.caller!, indexed.facilityId);
    return this.status(id, indexed.accessId);
  }

  private async status(balikanId: string, accessId: string) {
    const { state } = await loadState(this.store, accessStream(accessId), balikanDecider);
    const balikan = state.balikan.get(balikanId);
    if (!balikan) throw new Refusal(404, 'BALIKAN_NOT_FOUND', 'No balikan with this id.');
    return { balikanId, accessId, status: balikan.status, attempts: balikan.attempts, kinds: balikan.kinds };
  }
}
