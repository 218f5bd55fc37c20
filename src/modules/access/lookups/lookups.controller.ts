import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { Refusals, type RefusalList } from '../../../infrastructure/http/refusals';
import { Allow } from '../auth/access-rule';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { FINGERPRINT } from './lookup.events';
import { AccessAnswerSchema, PerformAccess, type AccessAnswer } from './lookups.commands';

export const PURPOSES = ['REGISTRATION', 'ADMISSION', 'REFERRAL', 'DEATH_RECORD', 'OTHER'] as const;

export class NikLookupDto {
  @ApiProperty({
    example: '0013095512900002',
    description:
      '16 digits, as a string. The example begins with province code 00, which is no province: it can never be the NIK of a real person (the gateway refuses it, NIK_UNKNOWN_PROVINCE).',
  })
  @IsString()
  @Length(1, 32)
  nik!: string;

  @ApiPropertyOptional({ enum: PURPOSES, description: 'Why the clerk looks the person up (not stored)' })
  @IsOptional()
  @IsIn(PURPOSES)
  purpose?: string;
}

export class CardReadDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'readerId must be a UUID' })
  readerId!: string;

  @ApiProperty({
    example: '0013095512900002',
    description: 'The NIK read from the KTP-el chip. The example begins with province code 00, which is no province: it can never be the NIK of a real person.',
  })
  @IsString()
  @Length(1, 32)
  nik!: string;

  @ApiProperty({ enum: FINGERPRINT, description: 'The 1:1 fingerprint check done by the reader' })
  @IsIn(FINGERPRINT, { message: `fingerprint must be one of ${FINGERPRINT.join(', ')}` })
  fingerprint!: (typeof FINGERPRINT)[number];
}

/** What a lookup and a card read both answer: the policies, the NIK's form, the quota, the registry. */
const ACCESS_REFUSALS = {
  400: ['NIK_NOT_16_DIGITS', 'NIK_UNKNOWN_PROVINCE', 'NIK_INVALID_DATE'],
  403: ['AGREEMENT_NOT_ACTIVE', 'FACILITY_NOT_REGISTERED'],
  404: [['NIK_NOT_FOUND', 'with accessId']],
  429: [['RATE_LIMITED', 'over LOOKUPS_PER_HOUR this clock hour; Retry-After = seconds until the hour ends']],
  502: [
    [
      'REGISTRY_REFUSED',
      "registryReason is the registry's own text (digits masked as #, at most 120 characters), the message names the normalised code; with accessId",
    ],
  ],
  503: [['REGISTRY_UNAVAILABLE', 'with accessId']],
  504: [['REGISTRY_TIMEOUT', 'with accessId']],
} as const satisfies RefusalList;

/**
 * The two access channels (Pasal 1(5), 3(2)(d)): a NIK lookup through the web portal, and a KTP-el card
 * read after a fingerprint check. Both are the PerformAccess command (lookups.handlers.ts). The answer
 * goes to the caller and nowhere else, and no cache may keep it.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/access')
export class LookupsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('nik-lookups')
  @HttpCode(200)
  @Allow('PUSKESMAS_OPERATOR')
  @ApiOperation({ summary: 'Look up a person by NIK in the population registry: the nine agreed fields' })
  @ApiAnswer(AccessAnswerSchema, { description: 'FOUND or DECEASED; POST /v1/balikan needs the verificationToken with the NIK' })
  @Refusals(ACCESS_REFUSALS)
  async lookup(@Body() body: NikLookupDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: FastifyReply): Promise<AccessAnswer> {
    void response.header('Cache-Control', 'no-store');
    return this.commandBus.execute(new PerformAccess(request.caller!, body.nik, { type: 'NikLookupPerformed' }, correlationOf(request).correlationId));
  }

  @Post('card-reads')
  @HttpCode(200)
  @Allow('PUSKESMAS_OPERATOR')
  @ApiOperation({ summary: 'Record a KTP-el card read (after the 1:1 fingerprint check) and get the nine agreed fields' })
  @ApiAnswer(AccessAnswerSchema, { description: 'FOUND or DECEASED; POST /v1/balikan needs the verificationToken with the NIK' })
  @Refusals({
    ...ACCESS_REFUSALS,
    403: [...ACCESS_REFUSALS[403], 'CARD_READER_NOT_REGISTERED', 'CARD_READER_RETIRED'],
    422: ['FINGERPRINT_NOT_MATCHED', ['FINGERPRINT_NOT_PERFORMED', 'no registry call; both with accessId']],
  })
  async cardRead(@Body() body: CardReadDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: FastifyReply): Promise<AccessAnswer> {
    void response.header('Cache-Control', 'no-store');
    const channel = { type: 'CardReadRecorded', readerId: body.readerId, fingerprint: body.fingerprint } as const;
    return this.commandBus.execute(new PerformAccess(request.caller!, body.nik, channel, correlationOf(request).correlationId));
  }
}
