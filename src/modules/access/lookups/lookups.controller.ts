import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Infrastructure } from '../../../infrastructure/bootstrap';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../../infrastructure/refusal';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import { RegistryConnection } from '../../../infrastructure/registry/registry-connection';
import { Allow } from '../../../infrastructure/security/access-rule';
import type { AuthenticatedRequest } from '../../../infrastructure/security/access.guard';
import { agreementInForce } from '../agreements/agreement-in-force';
import { grantedPerson } from '../agreements/granted-fields';
import { DenialRecorder } from '../denials/denial-recorder';
import { FINGERPRINT, accessStream, type AccessOutcome } from './access.events';
import { accessPolicies, type AccessPolicy } from './access-policies';
import { checkNik, holderOrigin } from './nik';
import { AccessTokens } from './access-token';
import { correlationOf } from '../../../infrastructure/http/correlation';

export const PURPOSES = ['REGISTRATION', 'ADMISSION', 'REFERRAL', 'DEATH_RECORD', 'OTHER'] as const;

export class NikLookupDto {
  @ApiProperty({ example: '0013095512900002', description: '16 digits, as a string. The example begins with province code 00, which is no province: it can never be the NIK of a real person (the gateway refuses it, NIK_UNKNOWN_PROVINCE).' })
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

  @ApiProperty({ example: '0013095512900002', description: 'The NIK read from the KTP-el chip. The example begins with province code 00, which is no province: it can never be the NIK of a real person.' })
  @IsString()
  @Length(1, 32)
  nik!: string;

  @ApiProperty({ enum: FINGERPRINT, description: 'The 1:1 fingerprint check done by the reader' })
  @IsIn(FINGERPRINT, { message: `fingerprint must be one of ${FINGERPRINT.join(', ')}` })
  fingerprint!: (typeof FINGERPRINT)[number];
}

/**
 * The two access channels (Pasal 1(5), 3(2)(d)): a NIK lookup through the web portal, and a KTP-el card
 * read after a fingerprint check. The answer goes to the caller and nowhere else: the event records who,
 * where, which channel and the outcome — never the NIK or the person.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/access')
export class LookupsController {
  private readonly policies: AccessPolicy[];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    db: DataSource,
    private readonly registry: RegistryConnection,
    private readonly denials: DenialRecorder,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    private readonly tokens: AccessTokens,
  ) {
    this.policies = accessPolicies({ store, db, lookupsPerHour: infra.config.lookupsPerHour });
  }

  @Post('nik-lookups')
  @HttpCode(200)
  @Allow('PUSKESMAS_OPERATOR')
  @ApiOperation({ summary: 'Look up a person by NIK in the population registry: the nine agreed fields' })
  @ApiResponse({ status: 200, description: 'FOUND or DECEASED: {accessId, outcome, person, verificationToken}; POST /v1/balikan needs the verificationToken with the NIK' })
  @ApiResponse({ status: 404, description: 'NIK_NOT_FOUND (with accessId)' })
  @ApiResponse({ status: 400, description: 'NIK_NOT_16_DIGITS, NIK_UNKNOWN_PROVINCE, NIK_INVALID_DATE' })
  @ApiResponse({ status: 403, description: 'AGREEMENT_NOT_ACTIVE, FACILITY_NOT_REGISTERED' })
  @ApiResponse({ status: 429, description: 'RATE_LIMITED' })
  @ApiResponse({ status: 502, description: 'REGISTRY_REFUSED (with the registry\'s reason)' })
  @ApiResponse({ status: 503, description: 'REGISTRY_UNAVAILABLE' })
  @ApiResponse({ status: 504, description: 'REGISTRY_TIMEOUT' })
  async lookup(@Body() body: NikLookupDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response) {
    return this.access(request, response, body.nik, { type: 'NikLookupPerformed' });
  }

  @Post('card-reads')
  @HttpCode(200)
  @Allow('PUSKESMAS_OPERATOR')
  @ApiOperation({ summary: 'Record a KTP-el card read (after the 1:1 fingerprint check) and get the nine agreed fields' })
  @ApiResponse({ status: 200, description: 'FOUND or DECEASED: {accessId, outcome, person, verificationToken}; POST /v1/balikan needs the verificationToken with the NIK' })
  @ApiResponse({ status: 403, description: 'CARD_READER_NOT_REGISTERED, CARD_READER_RETIRED, AGREEMENT_NOT_ACTIVE' })
  @ApiResponse({ status: 422, description: 'FINGERPRINT_NOT_MATCHED, FINGERPRINT_NOT_PERFORMED (no registry call)' })
  async cardRead(@Body() body: CardReadDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response) {
    return this.access(request, response, body.nik, { type: 'CardReadRecorded', readerId: body.readerId, fingerprint: body.fingerprint });
  }

  private async access(
    request: AuthenticatedRequest,
    response: Response,
    nik: string,
    channel: { type: 'NikLookupPerformed' } | { type: 'CardReadRecorded'; readerId: string; fingerprint: (typeof FINGERPRINT)[number] },
  ) {
    response.setHeader('Cache-Control', 'no-store');
    const caller = request.caller!;
    const route = request.routeTemplate!;
    const now = new Date();
    const readerId = channel.type === 'CardReadRecorded' ? channel.readerId : undefined;
    const agreement = await agreementInForce(this.store, this.infra.dataSource, now);
    for (const policy of this.policies) {
      const verdict = await policy.check({ caller, now, readerId, agreement });
      if (!verdict.allowed) {
        throw new Refusal(verdict.status, verdict.code, verdict.message);
      }
    }
    const problem = checkNik(nik, now);
    if (problem) throw new Refusal(400, problem.problem, problem.message); // no registry call, nothing recorded

    const accessId = randomUUID();
    const base = { accessId, facilityId: caller.facilityId!, operatorId: caller.operatorId, holderOrigin: holderOrigin(nik) };
    const record = async (outcome: AccessOutcome, extra: Record<string, unknown> = {}) => {
      const data = { ...base, outcome, ...extra, ...(channel.type === 'CardReadRecorded' ? { readerId: channel.readerId, fingerprint: channel.fingerprint } : {}) };
      await this.store.appendToStream(accessStream(accessId), [{ type: channel.type, data, ...correlationOf(request) }], { expectedRevision: 'no_stream' });
    };

    if (channel.type === 'CardReadRecorded' && channel.fingerprint !== 'MATCHED') {
      const notPerformed = channel.fingerprint === 'NOT_PERFORMED';
      if (!notPerformed || this.infra.config.fingerprintNotPerformed === 'refuse') {
        const outcome = notPerformed ? 'FINGERPRINT_NOT_PERFORMED' : 'FINGERPRINT_NOT_MATCHED';
        await record(outcome);
        throw new Refusal(422, outcome, notPerformed ? 'A card read needs the fingerprint check.' : 'The fingerprint did not match the card.', { accessId });
      }
    }

    const answer = await this.registry.client.callNik(nik);
    const latency = { registryLatencyMs: Math.min(answer.latencyMs, 600_000) };
    switch (answer.outcome) {
      case 'FOUND':
      case 'DECEASED':
        await record(answer.outcome, latency);
        // The token binds a later balikan to this NIK without keeping it: never stored, never logged.
        return {
          accessId,
          outcome: answer.outcome,
          person: grantedPerson(answer.person, agreement),
          verificationToken: this.tokens.issue(accessId, nik),
        };
      case 'NOT_FOUND':
        await record('NOT_FOUND', latency);
        throw new Refusal(404, 'NIK_NOT_FOUND', 'The registry has no person with this NIK.', { accessId });
      case 'REFUSED':
        await record('REGISTRY_REFUSED', { ...latency, registryRefusal: answer.reason });
        throw new Refusal(502, 'REGISTRY_REFUSED', `The registry refused the request: ${answer.reason}.`, { accessId });
      case 'TIMEOUT':
        await record('REGISTRY_TIMEOUT', latency);
        throw new Refusal(504, 'REGISTRY_TIMEOUT', 'The registry did not answer in time; try again.', { accessId });
      case 'UNAVAILABLE':
        await record('REGISTRY_UNAVAILABLE', latency);
        throw new Refusal(503, 'REGISTRY_UNAVAILABLE', answer.breakerOpen ? 'The registry is unavailable; retry in a little while.' : 'The registry is unavailable; try again.', { accessId });
    }
  }
}
