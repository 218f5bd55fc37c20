import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../../infrastructure/refusal';
import { WrongExpectedRevisionError } from '../../../infrastructure/event-store/errors';
import { UuidParam } from '../../../infrastructure/http/validation';
import { Allow } from '../../../infrastructure/security/access-rule';
import {
  FACILITY_CODE,
  FACILITY_KINDS,
  FACILITY_NAME,
  KECAMATAN_CODE,
  SAM_SERIAL,
  cardReaderDecider,
  facilityCodeStream,
  facilityDecider,
  facilityStream,
  readerStream,
  type FacilityKind,
} from './facility';
import type { AuthenticatedRequest } from '../../../infrastructure/security/access.guard';
import { correlationOf } from '../../../infrastructure/http/correlation';

export class RegisterFacilityDto {
  @ApiProperty({ enum: FACILITY_KINDS, example: 'PUSKESMAS' })
  @IsIn(FACILITY_KINDS, { message: `kind must be one of ${FACILITY_KINDS.join(', ')}` })
  kind!: FacilityKind;

  @ApiProperty({ example: 'PKM-331311-3', description: 'Unique code, upper case' })
  @Matches(new RegExp(FACILITY_CODE), { message: 'code must be 3-20 upper-case letters, digits or dashes, starting with a letter' })
  code!: string;

  @ApiProperty({ example: 'Puskesmas Jaten III' })
  @Matches(new RegExp(FACILITY_NAME), { message: 'name must be 3-80 letters, digits, spaces or . \' ( ) / -' })
  name!: string;

  @ApiProperty({ example: '331311', description: 'Kecamatan (district) code' })
  @Matches(new RegExp(KECAMATAN_CODE), { message: 'kecamatanCode must be 6 digits' })
  kecamatanCode!: string;
}

export class RegisterCardReaderDto {
  @ApiProperty({ example: 'SAM-0012-3456', description: "Serial of the reader's SAM card" })
  @Matches(new RegExp(SAM_SERIAL), { message: 'samSerial must be 4-32 upper-case letters, digits or dashes' })
  samSerial!: string;
}

/** The Puskesmas register (with Dinkes itself) and the KTP-el card readers of each Puskesmas. */
@ApiTags('facilities')
@ApiBearerAuth()
@Controller('v1')
export class FacilitiesController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
  ) {}

  @Get('facilities')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Dinkes and the Puskesmas' })
  async list() {
    const rows: Record<string, string>[] = await this.db.query(
      `SELECT facility_id AS "facilityId", kind, code, name, kecamatan_code AS "kecamatanCode" FROM facility_register ORDER BY code`,
    );
    return rows;
  }

  @Post('facilities')
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Register a Puskesmas (or Dinkes)' })
  @ApiResponse({ status: 409, description: 'FACILITY_CODE_USED' })
  async register(@Body() body: RegisterFacilityDto, @Req() request: AuthenticatedRequest) {
    const facilityId = randomUUID();
    // The code is claimed on its own stream first: of two registrations with one code, one fails here.
    try {
      await this.store.appendToStream(facilityCodeStream(body.code), [{ type: 'FacilityCodeReserved', data: { code: body.code, facilityId, actorId: request.caller!.operatorId }, ...correlationOf(request) }], {
        expectedRevision: 'no_stream',
      });
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw new Refusal(409, 'FACILITY_CODE_USED', 'Another facility has this code.');
      throw error;
    }
    const { state } = await handle(this.store, facilityStream(facilityId), facilityDecider, {
      kind: 'register',
      facilityId,
      facilityKind: body.kind,
      code: body.code,
      name: body.name,
      kecamatanCode: body.kecamatanCode,
      actorId: request.caller!.operatorId,
    }, correlationOf(request));
    return state;
  }

  @Get('card-readers')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'KTP-el card readers, with their Puskesmas and SAM serial' })
  async readers() {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT reader_id AS "readerId", facility_id AS "facilityId", sam_serial AS "samSerial", retired_at IS NOT NULL AS retired
       FROM card_reader_register ORDER BY registered_at`,
    );
    return rows;
  }

  @Post('facilities/:facilityId/card-readers')
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Register a KTP-el card reader of a Puskesmas (Pasal 1(8), 3(2)(f))' })
  @ApiResponse({ status: 404, description: 'FACILITY_NOT_FOUND' })
  @ApiResponse({ status: 422, description: 'CARD_READER_NEEDS_PUSKESMAS' })
  async registerReader(@Param('facilityId', UuidParam) facilityId: string, @Body() body: RegisterCardReaderDto, @Req() request: AuthenticatedRequest) {
    const { state: facility } = await loadState(this.store, facilityStream(facilityId), facilityDecider);
    const readerId = randomUUID();
    const { state } = await handle(this.store, readerStream(readerId), cardReaderDecider, { kind: 'register', readerId, facilityId, samSerial: body.samSerial, facility, actorId: request.caller!.operatorId }, correlationOf(request));
    return state;
  }

  @Post('card-readers/:id/retirement')
  @HttpCode(201)
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Retire a card reader: it can no longer be used' })
  @ApiResponse({ status: 404, description: 'CARD_READER_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'CARD_READER_ALREADY_RETIRED' })
  async retireReader(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    const { state } = await handle(this.store, readerStream(id), cardReaderDecider, { kind: 'retire', actorId: request.caller!.operatorId }, correlationOf(request));
    return state;
  }
}
