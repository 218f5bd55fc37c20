import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { Infrastructure } from '../../../infrastructure/infrastructure';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import type { Semester } from '../documents/report-data';
import { ReportingFreshness } from '../read-models/reporting-freshness';
import { balikanBacklog, cardReaders, obligations, operatorActivity, refusals, reportCalendar } from './compliance.query';

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

/** Each obligation of Pasal 3(2) and the report of Pasal 9(1) for a semester, overall and per Puskesmas. */
export class GetObligations extends Query<Result<typeof obligations>> {
  constructor(
    readonly year: number,
    readonly semester: Semester,
    readonly now: Date,
  ) {
    super();
  }
}

/** Accesses that found a person and still owe a delivered balikan, per Puskesmas and by age. */
export class GetBalikanBacklog extends Query<Result<typeof balikanBacklog>> {
  constructor(readonly now: Date) {
    super();
  }
}

/** Refused requests by reason and by Puskesmas over a range of days (WIB). */
export class GetRefusals extends Query<Result<typeof refusals>> {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super();
  }
}

/** Accesses per operator per day over a range, unusual days flagged (only those with `unusualOnly`). */
export class GetOperatorActivity extends Query<Result<typeof operatorActivity>> {
  constructor(
    readonly from: string,
    readonly to: string,
    readonly unusualOnly: boolean,
  ) {
    super();
  }
}

/** Card readers per Puskesmas and their reads by fingerprint outcome. */
export class GetCardReaders extends Query<Result<typeof cardReaders>> {}

/** Every semester report due so far and what was handed in for it. */
export class GetReportCalendar extends Query<Result<typeof reportCalendar>> {
  constructor(readonly now: Date) {
    super();
  }
}

/** Each handler reads the reporting read models once they have caught up with the log (briefly awaited). */
abstract class ComplianceHandler {
  constructor(
    protected readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  protected get dailyLimit(): number {
    return this.infra.config.operatorDailyLimit;
  }

  protected async caughtUp() {
    await this.freshness.catchUp();
    return this.db.manager;
  }
}

@QueryHandler(GetObligations)
export class GetObligationsHandler extends ComplianceHandler implements IQueryHandler<GetObligations> {
  async execute({ year, semester, now }: GetObligations) {
    return obligations(await this.caughtUp(), year, semester, now, this.dailyLimit);
  }
}

@QueryHandler(GetBalikanBacklog)
export class GetBalikanBacklogHandler extends ComplianceHandler implements IQueryHandler<GetBalikanBacklog> {
  async execute({ now }: GetBalikanBacklog) {
    return balikanBacklog(await this.caughtUp(), now);
  }
}

@QueryHandler(GetRefusals)
export class GetRefusalsHandler extends ComplianceHandler implements IQueryHandler<GetRefusals> {
  async execute({ from, to }: GetRefusals) {
    return refusals(await this.caughtUp(), from, to);
  }
}

@QueryHandler(GetOperatorActivity)
export class GetOperatorActivityHandler extends ComplianceHandler implements IQueryHandler<GetOperatorActivity> {
  async execute({ from, to, unusualOnly }: GetOperatorActivity) {
    return operatorActivity(await this.caughtUp(), from, to, this.dailyLimit, unusualOnly);
  }
}

@QueryHandler(GetCardReaders)
export class GetCardReadersHandler extends ComplianceHandler implements IQueryHandler<GetCardReaders> {
  async execute() {
    return cardReaders(await this.caughtUp());
  }
}

@QueryHandler(GetReportCalendar)
export class GetReportCalendarHandler extends ComplianceHandler implements IQueryHandler<GetReportCalendar> {
  async execute({ now }: GetReportCalendar) {
    return reportCalendar(await this.caughtUp(), now);
  }
}

export const COMPLIANCE_QUERY_HANDLERS = [
  GetObligationsHandler,
  GetBalikanBacklogHandler,
  GetRefusalsHandler,
  GetOperatorActivityHandler,
  GetCardReadersHandler,
  GetReportCalendarHandler,
];
