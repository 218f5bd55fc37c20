import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { EvaluationListSchema, EvaluationRecordedSchema } from './evaluations.answers';
import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Allow } from '../../access/auth/access-rule';
import type { AuthenticatedRequest } from '../../access/auth/access.guard';
import type { Finding, Semester } from '../documents/report-data';
import { EVALUATION_KINDS, FINDINGS, NOTE_MAX_LENGTH, OBLIGATION_CODES, type EvaluationKind, type ObligationCode } from './evaluation.events';
import { RecordEvaluation } from './evaluations.commands';
import { ListEvaluations } from './evaluations.queries';
import { correlationOf } from '../../../infrastructure/http/correlation';
import { Refusals } from '../../../infrastructure/http/refusals';

export class FindingDto {
  @ApiProperty({ enum: OBLIGATION_CODES })
  @IsIn(OBLIGATION_CODES, { message: `obligation must be one of ${OBLIGATION_CODES.join(', ')}` })
  obligation!: ObligationCode;

  @ApiProperty({ enum: FINDINGS })
  @IsIn(FINDINGS, { message: `finding must be one of ${FINDINGS.join(', ')}` })
  finding!: Finding;

  @ApiPropertyOptional({ maxLength: NOTE_MAX_LENGTH, description: "Short note. Never a person's details: no NIK, KK number or name." })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE_MAX_LENGTH, { message: `note must be at most ${NOTE_MAX_LENGTH} characters` })
  note?: string;
}

export class RecordEvaluationDto {
  @ApiProperty({ enum: EVALUATION_KINDS, description: 'PERIODIC (from the semester reports, Pasal 9(2)) or AD_HOC (at any time, Pasal 9(3))' })
  @IsIn(EVALUATION_KINDS, { message: `kind must be one of ${EVALUATION_KINDS.join(', ')}` })
  kind!: EvaluationKind;

  @ApiPropertyOptional({ minimum: 2022, maximum: 2100 })
  @IsOptional()
  @IsInt({ message: 'year must be a whole number' })
  @Min(2022)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ enum: [1, 2] })
  @IsOptional()
  @IsIn([1, 2], { message: 'semester must be 1 or 2' })
  semester?: Semester;

  @ApiProperty({ type: [FindingDto], description: 'One finding per obligation evaluated' })
  @IsArray()
  @ArrayMinSize(1, { message: 'findings must name at least one obligation' })
  @ArrayMaxSize(OBLIGATION_CODES.length)
  @ValidateNested({ each: true })
  @Type(() => FindingDto)
  findings!: FindingDto[];
}

export class EvaluationFilterQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^20[2-9][0-9]$/, { message: 'year must be a year such as 2025' })
  year?: string;

  @ApiPropertyOptional({ enum: ['1', '2'] })
  @IsOptional()
  @IsIn(['1', '2'], { message: 'semester must be 1 or 2' })
  semester?: string;
}

/** Evaluations by Disdukcapil (Pasal 9(2)-(3)): recorded once, never edited; read by Dinkes and the Bupati's office. */
@ApiTags('evaluations')
@ApiBearerAuth()
@Controller('v1/evaluations')
export class EvaluationsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Allow('DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Record an evaluation with a finding (MET, PARTIAL, NOT_MET) per obligation' })
  @ApiAnswer(EvaluationRecordedSchema, { status: 201, description: 'Recorded' })
  @Refusals({
    422: ['EVALUATION_PERIOD_REQUIRED', 'EVALUATION_PERIOD_INCOMPLETE', 'EVALUATION_PERIOD_NOT_STARTED', 'EVALUATION_DUPLICATE_FINDING', 'NOTE_PERSONAL_DATA'],
  })
  async record(@Body() body: RecordEvaluationDto, @Req() request: AuthenticatedRequest) {
    const evaluation = { kind: body.kind, year: body.year, semester: body.semester, auditorId: request.caller!.operatorId, findings: body.findings };
    return this.commandBus.execute(new RecordEvaluation(evaluation, correlationOf(request).correlationId));
  }

  @Get()
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN', 'BUPATI_OFFICE')
  @ApiOperation({ summary: 'Evaluations, oldest first; filter by the semester they evaluate' })
  @ApiAnswer(EvaluationListSchema, { description: 'Evaluations, oldest first' })
  async list(@Query() query: EvaluationFilterQuery) {
    return this.queryBus.execute(
      new ListEvaluations({ year: query.year ? Number(query.year) : undefined, semester: query.semester ? Number(query.semester) : undefined }),
    );
  }
}
