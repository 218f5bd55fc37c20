import { ApiAnswer } from '../../../infrastructure/http/answer-schema';
import { BupatiSummarySchema, ReportSubmissionsSchema, ReportSubmittedSchema, SemesterReportSchema } from './reports.answers';
import { Controller, Get, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Allow } from '../../access/auth/access-rule';
import type { AuthenticatedRequest } from '../../access/auth/access.guard';
import { SubmitSemesterReport } from './reports.commands';
import { ExportReportDocument, GetBupatiSummary, GetReportSubmissions, GetSemesterReport, GetSubmittedReportPdf, type ReportDocument } from './reports.queries';
import { parsePeriod } from './semester';
import { Refusals, type RefusalList } from '../../../infrastructure/http/refusals';
import { correlationOf } from '../../../infrastructure/http/correlation';

export class ReportFormatQuery {
  @ApiPropertyOptional({ enum: ['json', 'pdf', 'xlsx', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'pdf', 'xlsx', 'csv'], { message: 'format must be one of json, pdf, xlsx, csv' })
  format?: 'json' | 'pdf' | 'xlsx' | 'csv';
}

export class SummaryFormatQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'xlsx', 'json'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'xlsx', 'json'], { message: 'format must be one of pdf, xlsx, json' })
  format?: 'pdf' | 'xlsx' | 'json';
}

export class ArchiveQuery {
  @ApiPropertyOptional({ enum: ['json', 'pdf'], default: 'json', description: 'pdf: the exact document handed in (latest revision, or ?revision=)' })
  @IsOptional()
  @IsIn(['json', 'pdf'], { message: 'format must be json or pdf' })
  format?: 'json' | 'pdf';

  @ApiPropertyOptional({ description: 'Revision of the submission (1 = first)' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,3}$/, { message: 'revision must be a positive whole number' })
  revision?: string;
}

function sendDocument(response: FastifyReply, document: ReportDocument): StreamableFile {
  void response.header('Content-Type', document.contentType);
  void response.header('Content-Disposition', `attachment; filename="${document.fileName}"`);
  void response.header('Cache-Control', 'no-store');
  return new StreamableFile(document.bytes);
}

/** A period in the path, and figures the audit log must have notarised up to their cut-off first. */
const PERIOD_REFUSALS = {
  400: ['REPORT_PERIOD_INVALID'],
  422: ['REPORT_PERIOD_NOT_STARTED'],
  503: [['REPORT_NOT_CURRENT', 'the figures, or the audit log under them, are still being brought up to date; retry']],
} as const satisfies RefusalList;

/**
 * The semester utilisation report of Pasal 9(1), its submission, and the Bupati summary of Pasal 9(4).
 * Every figure comes from the reporting read models; documents are rendered on request, in Bahasa Indonesia.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get('semester/:year/:semester')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Semester utilisation report (Pasal 9(1)) as JSON, PDF, XLSX or CSV' })
  @ApiAnswer(SemesterReportSchema, {
    description: 'The report as JSON (the default); with ?format=pdf|xlsx|csv the file to download',
    files: ['pdf', 'xlsx', 'csv'],
  })
  @Refusals(PERIOD_REFUSALS, { retryAfter: [503] })
  async semester(
    @Param('year') yearText: string,
    @Param('semester') semesterText: string,
    @Query() query: ReportFormatQuery,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const now = new Date();
    const { year, semester } = parsePeriod(yearText, semesterText, now);
    const format = query.format ?? 'json';
    if (format === 'json') return this.queryBus.execute(new GetSemesterReport(year, semester, now));
    return sendDocument(response, await this.queryBus.execute(new ExportReportDocument('semester-report', year, semester, format, now)));
  }

  @Post('semester/:year/:semester/submission')
  @Allow('DINKES_ADMIN')
  @ApiOperation({
    summary: 'Record the semester report as submitted, pinned by the SHA-256 of its PDF (the same figures always render the same bytes)',
  })
  @ApiAnswer(ReportSubmittedSchema, { status: 201, description: 'Submitted (a new revision when the figures changed since the last submission)' })
  @ApiAnswer(ReportSubmittedSchema, { description: 'This very document was already submitted: nothing recorded again' })
  @Refusals(PERIOD_REFUSALS, { retryAfter: [503] })
  async submit(
    @Param('year') yearText: string,
    @Param('semester') semesterText: string,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const now = new Date();
    const { year, semester } = parsePeriod(yearText, semesterText, now);
    const { recorded, ...submitted } = await this.commandBus.execute(
      new SubmitSemesterReport(year, semester, request.caller!.operatorId, now, correlationOf(request).correlationId),
    );
    void response.status(recorded ? 201 : 200);
    return submitted;
  }

  @Get('semester/:year/:semester/submission')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'What was handed in for a semester; ?format=pdf gives the exact bytes, to re-check the SHA-256' })
  @ApiAnswer(ReportSubmissionsSchema, { description: 'The submissions as JSON (the default); with ?format=pdf the PDF handed in', files: ['pdf'] })
  @Refusals({ 400: PERIOD_REFUSALS[400], 404: ['REPORT_NOT_SUBMITTED'], 422: PERIOD_REFUSALS[422] })
  async submitted(
    @Param('year') yearText: string,
    @Param('semester') semesterText: string,
    @Query() query: ArchiveQuery,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const { year, semester } = parsePeriod(yearText, semesterText, new Date());
    const revision = query.revision ? Number(query.revision) : undefined;
    if ((query.format ?? 'json') === 'json') return this.queryBus.execute(new GetReportSubmissions(year, semester, revision));
    return sendDocument(response, await this.queryBus.execute(new GetSubmittedReportPdf(year, semester, revision)));
  }

  @Get('bupati/:year/:semester')
  @Allow('BUPATI_OFFICE', 'DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: "Summary for the Bupati (Pasal 9(4)): key figures across Puskesmas and Disdukcapil's evaluations, one or two pages" })
  @ApiAnswer(BupatiSummarySchema, { description: 'PDF by default; ?format=xlsx or ?format=json', files: ['pdf', 'xlsx'] })
  @Refusals(PERIOD_REFUSALS, { retryAfter: [503] })
  async bupati(
    @Param('year') yearText: string,
    @Param('semester') semesterText: string,
    @Query() query: SummaryFormatQuery,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const now = new Date();
    const { year, semester } = parsePeriod(yearText, semesterText, now);
    const format = query.format ?? 'pdf';
    if (format === 'json') return this.queryBus.execute(new GetBupatiSummary(year, semester, now));
    return sendDocument(response, await this.queryBus.execute(new ExportReportDocument('bupati-summary', year, semester, format, now)));
  }
}
