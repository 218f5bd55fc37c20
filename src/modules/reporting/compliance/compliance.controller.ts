import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import {
  ObligationsSchema,
  BacklogListSchema,
  ComplianceCardReadersSchema,
  OperatorActivitySchema,
  RefusalsSchema,
  ReportCalendarSchema,
} from './compliance.answers';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Refusal } from '../../../infrastructure/refusal';
import { IsCalendarDate } from '../../../infrastructure/http/validation';
import { Refusals, type RefusalList } from '../../../infrastructure/http/refusals';
import { Allow } from '../../access/auth/access-rule';
import { wibDay } from '../../../infrastructure/time/wib';
import { parsePeriod, semesterOf, semesterPeriod } from '../semester/semester';
import { GetBalikanBacklog, GetCardReaders, GetObligations, GetOperatorActivity, GetRefusals, GetReportCalendar } from './compliance.queries';

export class PeriodQuery {
  @ApiPropertyOptional({ description: 'Defaults to the current semester' })
  @IsOptional()
  year?: string;

  @ApiPropertyOptional({ enum: ['1', '2'] })
  @IsOptional()
  semester?: string;
}

export class RangeQuery {
  @ApiPropertyOptional({ format: 'date', description: 'First day (WIB); defaults to the start of the current semester' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Last day (WIB); defaults to today' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class ActivityQuery extends RangeQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: 'Only the days flagged unusual' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'unusualOnly must be true or false' })
  unusualOnly?: string;
}

const MAX_RANGE_DAYS = 366;

/** A range of days in the query: in order, and at most MAX_RANGE_DAYS long. */
const RANGE_REFUSALS = { 400: [['RANGE_INVALID', 'from is after to'], 'RANGE_TOO_LONG'] } as const satisfies RefusalList;

/**
 * Read-only views for Disdukcapil's supervision (Pasal 4(1)(a)): each obligation of Pasal 3(2), per
 * Puskesmas, from the reporting read models. Operators appear by opaque id only.
 */
@ApiTags('compliance')
@ApiBearerAuth()
@Controller('v1/compliance')
export class ComplianceController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('obligations')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Each obligation of Pasal 3(2) and the report of Pasal 9(1) for a semester, overall and per Puskesmas' })
  @ApiAnswer(ObligationsSchema, { description: 'The obligations for the semester (the current one by default)' })
  @Refusals({ 400: ['REPORT_PERIOD_INVALID'], 422: ['REPORT_PERIOD_NOT_STARTED'] })
  async obligations(@Query() query: PeriodQuery) {
    const now = new Date();
    const current = semesterOf(now);
    const { year, semester } = parsePeriod(query.year ?? String(current.year), query.semester ?? String(current.semester), now);
    return this.queryBus.execute(new GetObligations(year, semester, now));
  }

  @Get('balikan-backlog')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Accesses that found a person and still owe a delivered balikan, per Puskesmas and by age' })
  @ApiAnswer(BacklogListSchema, { description: 'The backlog per Puskesmas' })
  async backlog() {
    return this.queryBus.execute(new GetBalikanBacklog(new Date()));
  }

  @Get('refusals')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Refused requests by reason and by Puskesmas over a range of days' })
  @ApiAnswer(RefusalsSchema, { description: 'Refusals in the range' })
  @Refusals(RANGE_REFUSALS)
  async refusals(@Query() query: RangeQuery) {
    const { from, to } = this.range(query);
    return this.queryBus.execute(new GetRefusals(from, to));
  }

  @Get('operator-activity')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Accesses per operator per day, with unusual days flagged by the documented rule' })
  @ApiAnswer(OperatorActivitySchema, { description: 'Operator-days in the range, with the rule that flags them' })
  @Refusals(RANGE_REFUSALS)
  async activity(@Query() query: ActivityQuery) {
    const { from, to } = this.range(query);
    return this.queryBus.execute(new GetOperatorActivity(from, to, (query.unusualOnly ?? 'true') === 'true'));
  }

  @Get('card-readers')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Card readers per Puskesmas (in service or retired) and their reads by fingerprint outcome' })
  @ApiAnswer(ComplianceCardReadersSchema, { description: 'Every card reader with its reads' })
  async readers() {
    return this.queryBus.execute(new GetCardReaders());
  }

  @Get('reports')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Every semester report due so far: submitted on time, late, overdue or not yet due' })
  @ApiAnswer(ReportCalendarSchema, { description: 'The semester reports due so far' })
  async reports() {
    return this.queryBus.execute(new GetReportCalendar(new Date()));
  }

  private range(query: RangeQuery): { from: string; to: string } {
    const now = new Date();
    const current = semesterOf(now);
    const from = query.from ?? semesterPeriod(current.year, current.semester).from;
    const to = query.to ?? wibDay(now);
    if (from > to) throw new Refusal(400, 'RANGE_INVALID', 'from must not be after to.');
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_RANGE_DAYS)
      throw new Refusal(400, 'RANGE_TOO_LONG', `A range covers at most ${MAX_RANGE_DAYS} days.`);
    return { from, to };
  }
}
