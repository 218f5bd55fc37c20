import { Module } from '@nestjs/common';
import { ComplianceController } from './compliance/compliance.controller';
import { COMPLIANCE_QUERY_HANDLERS } from './compliance/compliance.queries';
import { EvaluationsController } from './evaluations/evaluations.controller';
import { RecordEvaluationHandler } from './evaluations/evaluations.handlers';
import { ListEvaluationsHandler } from './evaluations/evaluations.queries';
import { ReportingFreshness } from './read-models/reporting-freshness';
import { BupatiLetterController } from './letters/bupati-letter.controller';
import { IssueBupatiLetterHandler } from './letters/bupati-letter.handlers';
import { SignatoriesController } from './signatories/signatories.controller';
import { AppointSignatoryHandler } from './signatories/signatories.handlers';
import { ListSignatoriesHandler } from './signatories/signatories.queries';
import { ReportsController } from './semester/reports.controller';
import { SubmitSemesterReportHandler } from './semester/reports.handlers';
import {
  ExportReportDocumentHandler,
  GetBupatiSummaryHandler,
  GetReportSubmissionsHandler,
  GetSemesterReportHandler,
  GetSubmittedReportPdfHandler,
} from './semester/reports.queries';

/** Reporting (Pasal 4(1)(a), 9): the semester report, the Bupati summary and its letter, the signatory register, compliance views and evaluations. */
@Module({
  controllers: [ReportsController, BupatiLetterController, ComplianceController, EvaluationsController, SignatoriesController],
  providers: [
    ReportingFreshness,
    SubmitSemesterReportHandler,
    GetSemesterReportHandler,
    GetBupatiSummaryHandler,
    ExportReportDocumentHandler,
    GetReportSubmissionsHandler,
    GetSubmittedReportPdfHandler,
    ...COMPLIANCE_QUERY_HANDLERS,
    RecordEvaluationHandler,
    ListEvaluationsHandler,
    AppointSignatoryHandler,
    ListSignatoriesHandler,
    IssueBupatiLetterHandler,
  ],
})
export class ReportingModule {}
