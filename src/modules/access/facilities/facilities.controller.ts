import { Type } from '@sinclair/typebox';
import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { CardReaderSchema, FacilitySchema } from './facilities.answers';
import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { UuidParam } from '../../../infrastructure/http/validation';
import { Refusals } from '../../../infrastructure/http/refusals';
import { Allow } from '../auth/access-rule';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { RegisterCardReader, RegisterFacility, RetireCardReader } from './facilities.commands';
import { ListCardReaders, ListFacilities } from './facilities.queries';
import { FACILITY_CODE, FACILITY_KINDS, FACILITY_NAME, KECAMATAN_CODE, SAM_SERIAL, type FacilityKind } from './facility.events';

export class RegisterFacilityDto {
  @ApiProperty({ enum: FACILITY_KINDS, example: 'PUSKESMAS' })
  @IsIn(FACILITY_KINDS, { message: `kind must be one of ${FACILITY_KINDS.join(', ')}` })
  kind!: FacilityKind;

  @ApiProperty({ example: 'PKM-331311-3', description: 'Unique code, upper case' })
  @Matches(new RegExp(FACILITY_CODE), { message: 'code must be 3-20 upper-case letters, digits or dashes, starting with a letter' })
  code!: string;

  @ApiProperty({ example: 'Puskesmas Jaten III' })
  @Matches(new RegExp(FACILITY_NAME), { message: "name must be 3-80 letters, digits, spaces or . ' ( ) / -" })
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
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get('facilities')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Dinkes and the Puskesmas' })
  @ApiAnswer(Type.Array(FacilitySchema), { description: 'Dinkes and the Puskesmas, by code' })
  async list() {
    return this.queryBus.execute(new ListFacilities());
  }

  @Post('facilities')
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Register a Puskesmas (or Dinkes)' })
  @ApiAnswer(FacilitySchema, { status: 201, description: 'Registered' })
  @Refusals({ 409: ['FACILITY_CODE_USED'] })
  async register(@Body() body: RegisterFacilityDto, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(
      new RegisterFacility(body.kind, body.code, body.name, body.kecamatanCode, request.caller!.operatorId, correlationOf(request).correlationId),
    );
  }

  @Get('card-readers')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'KTP-el card readers, with their Puskesmas and SAM serial' })
  @ApiAnswer(Type.Array(CardReaderSchema), { description: 'Every card reader, oldest registration first' })
  async readers() {
    return this.queryBus.execute(new ListCardReaders());
  }

  @Post('facilities/:facilityId/card-readers')
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Register a KTP-el card reader of a Puskesmas (Pasal 1(8), 3(2)(f))' })
  @ApiAnswer(CardReaderSchema, { status: 201, description: 'Registered' })
  @Refusals({ 404: ['FACILITY_NOT_FOUND'], 409: [['CARD_READER_EXISTS', 'this SAM serial is registered already']], 422: ['CARD_READER_NEEDS_PUSKESMAS'] })
  async registerReader(@Param('facilityId', UuidParam) facilityId: string, @Body() body: RegisterCardReaderDto, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new RegisterCardReader(facilityId, body.samSerial, request.caller!.operatorId, correlationOf(request).correlationId));
  }

  @Post('card-readers/:id/retirement')
  @HttpCode(201)
  @Allow('DINKES_ADMIN')
  @ApiOperation({ summary: 'Retire a card reader: it can no longer be used' })
  @ApiAnswer(CardReaderSchema, { status: 201, description: 'Retired' })
  @Refusals({ 404: ['CARD_READER_NOT_FOUND'], 409: ['CARD_READER_ALREADY_RETIRED'] })
  async retireReader(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new RetireCardReader(id, request.caller!.operatorId, correlationOf(request).correlationId));
  }
}
