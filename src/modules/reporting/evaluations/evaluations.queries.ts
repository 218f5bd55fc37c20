import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { ReportingFreshness } from '../read-models/reporting-freshness';
import type { EvaluationSummary } from '../documents/report-data';
import { evaluations } from '../semester/semester-report.query';

/** Evaluations recorded so far, oldest first, optionally of one year and/or semester (reporting read models). */
export class ListEvaluations extends Query<EvaluationSummary[]> {
  constructor(readonly filter: { year?: number; semester?: number }) {
    super();
  }
}

@QueryHandler(ListEvaluations)
export class ListEvaluationsHandler implements IQueryHandler<ListEvaluations> {
  constructor(
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
  ) {}

  async execute({ filter }: ListEvaluations): Promise<EvaluationSummary[]> {
    await this.freshness.catchUp();
    return evaluations(this.db.manager, filter);
  }
}
