import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { LetterIssuedSchema } from './bupati-letter.answers';
import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { Allow } from '../../access/auth/access-rule';
import type { AuthenticatedRequest } from '../../access/auth/access.guard';
import { parsePeriod } from '../semester/semester';
import { Refusals } from '../../../infrastructure/http/refusals';
import { IssueBupatiLetter } from './bupati-letter.commands';
import { LETTER_NUMBER } from './bupati-letter.events';

export class IssueBupatiLetterDto {
  @ApiProperty({ description: 'Nomor surat, e.g. "400.12/123/2026": 3..60 letters, digits, dots, slashes, hyphens' })
  @IsString()
  @Matches(new RegExp(LETTER_NUMBER), { message: 'number must be a letter number such as 400.12/123/2026 (3..60 letters, digits, . / -)' })
  number!: string;
}

/** The Bupati summary sent as an official letter (Tata Naskah Dinas): Disdukcapil enters its number when it sends it. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/bupati')
export class BupatiLetterController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':year/:semester/letter')
  @HttpCode(201)
  @Allow('DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Record the number of the letter that sends a semester's Bupati summary (the summary then prints it instead of DRAF)" })
  @ApiAnswer(LetterIssuedSchema, { status: 201, description: 'Recorded' })
  @ApiAnswer(LetterIssuedSchema, { description: 'Already issued with this very number: nothing recorded again' })
  @Refusals({
    400: ['LETTER_NUMBER_INVALID', 'REPORT_PERIOD_INVALID'],
    409: [['BUPATI_LETTER_ALREADY_ISSUED', 'sent under another number, which does not change']],
    422: ['REPORT_PERIOD_NOT_STARTED'],
  })
  async issue(
    @Param('year') yearText: string,
    @Param('semester') semesterText: string,
    @Body() body: IssueBupatiLetterDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const now = new Date();
    const { year, semester } = parsePeriod(yearText, semesterText, now);
    const { recorded, ...issued } = await this.commandBus.execute(
      new IssueBupatiLetter({ year, semester, number: body.number, actorId: request.caller!.operatorId }, now, correlationOf(request).correlationId),
    );
    void response.status(recorded ? 201 : 200);
    return { recorded, ...issued };
  }
}
