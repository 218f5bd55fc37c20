import { ApiAnswer } from '../../infrastructure/http/answer-schema';
import { BalikanAcceptedSchema, BalikanStatusSchema } from './balikan.answers';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiPropertyOptional, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { Refusal } from '../../infrastructure/refusal';
import { isUuid } from '../../infrastructure/ids';
import { UuidParam } from '../../infrastructure/http/validation';
import { Refusals } from '../../infrastructure/http/refusals';
import { Allow } from '../access/auth/access-rule';
import type { AuthenticatedRequest } from '../access/auth/access.guard';
import { checkNik } from '../access/lookups/nik';
import regency from '../../reference/karanganyar.json';
import { isWellFormedToken } from '../access/lookups/access-token';
import type { BalikanKind } from './balikan.events';
import { SubmitBalikan } from './balikan.commands';
import { GetBalikanStatus } from './balikan.queries';
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

  @ApiProperty({
    description: 'The verificationToken of the lookup or card-read answer (43 characters, base64url): binds the balikan to the NIK that access found',
  })
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
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(202)
  @Allow('PUSKESMAS_OPERATOR')
  @ApiOperation({ summary: 'Submit data balikan for an access; delivered to the registry in the background' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      "A UUID, one per balikan, the operator's own (another operator's key never collides): the same key with the same access and fields returns the same balikan and 202, also after a restart and on any instance; the key on another access, or on that access with other fields, is 422 IDEMPOTENCY_KEY_REUSED (the values themselves are never kept, so they are not compared)",
  })
  @ApiAnswer(BalikanAcceptedSchema, { status: 202, description: 'Accepted: the same answer for every submission with one Idempotency-Key' })
  @Refusals({
    400: ['BALIKAN_EMPTY', 'NIK_NOT_16_DIGITS', 'NIK_UNKNOWN_PROVINCE', 'NIK_INVALID_DATE', 'IDEMPOTENCY_KEY_INVALID', 'VERIFICATION_TOKEN_MALFORMED'],
    403: ['FACILITY_SCOPE', ['AGREEMENT_NOT_ACTIVE', 'recorded']],
    404: ['ACCESS_NOT_FOUND'],
    422: [
      'ACCESS_FOUND_NOBODY',
      ['NIK_DOES_NOT_MATCH_ACCESS', 'the NIK or the verificationToken is not that of the access; recorded'],
      [
        'IDEMPOTENCY_KEY_REUSED',
        'the key was used by this operator for a balikan of another access, or of this access with other fields: a new balikan needs a new key',
      ],
    ],
  })
  async submit(@Body() body: SubmitBalikanDto, @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: AuthenticatedRequest) {
    if (idempotencyKey !== undefined && !isUuid(idempotencyKey)) {
      throw new Refusal(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be a UUID.');
    }
    const { nik, verificationToken, medicalRecordNumber, bloodType, deathCertificateNumber } = body;
    const kinds: BalikanKind[] = [];
    if (medicalRecordNumber !== undefined) kinds.push('MEDICAL_RECORD_NUMBER');
    if (bloodType !== undefined) kinds.push('BLOOD_TYPE');
    if (deathCertificateNumber !== undefined) kinds.push('DEATH_CERTIFICATE_NUMBER');
    if (kinds.length === 0) throw new Refusal(400, 'BALIKAN_EMPTY', 'Give at least one of medicalRecordNumber, bloodType, deathCertificateNumber.');
    const problem = checkNik(nik);
    if (problem) throw new Refusal(400, problem.problem, problem.message);
    if (!isWellFormedToken(verificationToken)) {
      throw new Refusal(400, 'VERIFICATION_TOKEN_MALFORMED', 'verificationToken must be the 43-character token of the lookup or card-read answer.');
    }
    const values = { medicalRecordNumber, bloodType, deathCertificateNumber };
    return this.commandBus.execute(
      new SubmitBalikan(request.caller!, body.accessId, nik, verificationToken, kinds, values, idempotencyKey, correlationOf(request).correlationId),
    );
  }

  @Get(':id')
  @Allow('PUSKESMAS_OPERATOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Delivery status of a balikan (QUEUED, FAILED_RETRYING, DELIVERED, ABANDONED): never its values' })
  @ApiAnswer(BalikanStatusSchema, { description: 'Its delivery status' })
  @Refusals({ 403: ['FACILITY_SCOPE'], 404: ['BALIKAN_NOT_FOUND'] })
  async get(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    return this.queryBus.execute(new GetBalikanStatus(request.caller!, id));
  }
}
