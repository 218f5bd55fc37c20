import { Type } from '@sinclair/typebox';
import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { AppointedSchema, PartySignatoriesSchema } from './signatories.answers';
import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { IsCalendarDate } from '../../../infrastructure/http/validation';
import { Refusal } from '../../../infrastructure/refusal';
import { Refusals } from '../../../infrastructure/http/refusals';
import { Allow } from '../../access/auth/access-rule';
import type { AuthenticatedRequest } from '../../access/auth/access.guard';
import { PARTIES, partyOfRole, type Party } from '../../access/parties/actor';
import { AppointSignatory } from './signatories.commands';
import { ListSignatories } from './signatories.queries';
import { GOLONGAN, NAME_MAX_LENGTH, POSITION_MAX_LENGTH, type Golongan } from './signatory.events';

// Letters, spaces and . , ' - ( ) / & (academic titles such as "dr." or "M.Kes." included); no digits.
const OFFICIAL_TEXT = /^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F .,'()/&-]+$/;

export class AppointSignatoryDto {
  @ApiPropertyOptional({ enum: PARTIES, description: "The caller's own party; given for clarity only (another party's is refused: 403 SIGNATORY_OTHER_PARTY)" })
  @IsOptional()
  @IsIn(PARTIES, { message: `party must be one of ${PARTIES.join(', ')}` })
  party?: Party;

  @ApiProperty({ maxLength: NAME_MAX_LENGTH, description: 'Name with titles as printed under the signature, e.g. "dr. Purwati, M.Kes."' })
  @IsString()
  @MaxLength(NAME_MAX_LENGTH, { message: `name must be at most ${NAME_MAX_LENGTH} characters` })
  @Matches(OFFICIAL_TEXT, { message: "name must be letters, spaces and . , ' - ( ) / & only" })
  name!: string;

  @ApiProperty({ description: 'NIP, 18 digits: birth date yyyymmdd, TMT yyyymm, sex 1|2, serial (400 NIP_INVALID when its parts do not hold)' })
  @IsString()
  @Matches(/^[0-9]{18}$/, { message: 'nip must be 18 digits' })
  nip!: string;

  @ApiProperty({ enum: GOLONGAN, description: 'Golongan ruang; the pangkat is printed with it, e.g. "Pembina Utama Muda (IV/c)"' })
  @IsIn(GOLONGAN, { message: 'golongan must be one of I/a..IV/e' })
  golongan!: Golongan;

  @ApiProperty({ maxLength: POSITION_MAX_LENGTH, description: 'Jabatan, e.g. "Kepala Dinas Kesehatan Kabupaten Karanganyar"' })
  @IsString()
  @MaxLength(POSITION_MAX_LENGTH, { message: `position must be at most ${POSITION_MAX_LENGTH} characters` })
  @Matches(OFFICIAL_TEXT, { message: "position must be letters, spaces and . , ' - ( ) / & only" })
  position!: string;

  @ApiPropertyOptional({ description: 'WIB day (YYYY-MM-DD) from which this official signs; today when not given' })
  @IsOptional()
  @IsCalendarDate({ message: 'effectiveFrom must be a calendar date YYYY-MM-DD' })
  effectiveFrom?: string;
}

/**
 * The signatory register: who signs the semester report (Dinkes) and the Bupati summary (Disdukcapil).
 * Each party's administrator keeps its own party's; documents print the official in force on the day
 * they are rendered.
 */
@ApiTags('signatories')
@ApiBearerAuth()
@Controller('v1/signatories')
export class SignatoriesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE')
  @ApiOperation({ summary: "Each party's signatory in force today, and every appointment recorded (who recorded it, when)" })
  @ApiAnswer(Type.Array(PartySignatoriesSchema), { description: 'Dinkes, then Disdukcapil' })
  async list() {
    return this.queryBus.execute(new ListSignatories(new Date()));
  }

  @Post()
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Record who signs for the caller's own party from a day on (replaces the previous signatory from that day)" })
  @ApiAnswer(AppointedSchema, { status: 201, description: 'Recorded' })
  @ApiAnswer(AppointedSchema, { description: 'That official already signs for the party: nothing recorded' })
  @Refusals({
    400: ['NIP_INVALID'],
    403: [['SIGNATORY_OTHER_PARTY', 'an administrator records only their own party’s signatory']],
    409: ['SIGNATORY_DATE_BEFORE_LATEST'],
    422: ['SIGNATORY_DATE_TOO_FAR'],
  })
  async appoint(@Body() body: AppointSignatoryDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: FastifyReply) {
    const caller = request.caller!;
    const party = partyOfRole(caller.role);
    if (body.party !== undefined && body.party !== party) {
      throw new Refusal(403, 'SIGNATORY_OTHER_PARTY', "An administrator records only their own party's signatory.");
    }
    const { recorded, ...appointed } = await this.commandBus.execute(
      new AppointSignatory(
        {
          party,
          name: body.name.trim(),
          nip: body.nip,
          golongan: body.golongan,
          position: body.position.trim(),
          effectiveFrom: body.effectiveFrom,
          actorId: caller.operatorId,
        },
        correlationOf(request).correlationId,
      ),
    );
    void response.status(recorded ? 201 : 200);
    return { recorded, ...appointed };
  }
}
