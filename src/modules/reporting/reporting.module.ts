import { Module } from '@nestjs/common';
import { ComplianceController } from './compliance/compliance.controller';
import { EvaluationsController } from './evaluations/evaluations.controller';
import { ReportingFreshness } from './read-models/reporting-freshness';
import { ReportsController } from './semester/reports.controller';

/** Reporting (Pasal 4(1)(a), 9): the semester report, the Bupati summary, compliance views and evaluations. */
@Module({
  controllers: [ReportsController, ComplianceController, EvaluationsController],
  providers: [ReportingFreshness],
})
export class ReportingModule {}
