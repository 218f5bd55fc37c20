import { Controller, Get, Inject, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { handle } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../../infrastructure/refusal';
import { Allow } from '../../access/auth/access-rule';
import type { AuthenticatedRequest } from '../../access/auth/access.guard';
import { renderSemesterReportPdf } from '../documents';
import type { Semester } from '../documents/report-data';
import { submissions } from '../read-models/figures';
import { ReportingFreshness } from '../read-models/reporting-freshness';
import { exportDocument } from './export-document';
import { reportStream, reportSubmissionDecider } from './report-submission';
import { periodStart, semesterPeriod, semesterRomanOf } from './semester';
import { bupatiSummary, semesterReport } from './semester-report.query';
import { correlationOf } from '../../../infrastructure/http/correlation';

export const DOCUMENT_TYPES = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

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

/** Year and semester from the path: 400 REPORT_PERIOD_INVALID unless 2022-2100 and 1 or 2; 422 if it has not started. */
export function parsePeriod(year: string, semester: string, now: Date): { year: number; semester: Semester } {
  if (!/^\d{4}$/.test(year) || Number(year) < 2022 || Number(year) > 2100 || !/^[12]$/.test(semester)) {
    throw new Refusal(400, 'REPORT_PERIOD_INVALID', 'The period must be a year from 2022 and semester 1 or 2.');
  }
  const period = { year: Number(year), semester: Number(semester) as Semester };
  if (now < periodStart(semesterPeriod(period.year, period.semester))) {
    throw new Refusal(422, 'REPORT_PERIOD_NOT_STARTED', `Semester ${semester} of ${year} has not started yet.`);
  }
  return period;
}

const fileName = (prefix: string, year: number, semester: Semester, ext: string) => `${prefix}-semester-${semesterRomanOf(semester)}-${year}.${ext}`;

function sendDocument(response: Response, bytes: Buffer | string, format: keyof typeof DOCUMENT_TYPES, name: string): StreamableFile {
  response.setHeader('Content-Type', DOCUMENT_TYPES[format]);
  response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  response.setHeader('Cache-Control', 'no-store');
  return new StreamableFile(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
}

/**
 * The semester utilisation report of Pasal 9(1), its submission, and the Bupati summary of Pasal 9(4).
 * Every figure comes from the reporting read models; documents are rendered on request, in Bahasa Indonesia.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly db: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly freshness: ReportingFreshness,
  ) {}

  @Get('semester/:year/:semester')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Semester utilisation report (Pasal 9(1)) as JSON, PDF, XLSX or CSV' })
  @ApiResponse({ status: 200, description: 'The report; with ?format=pdf|xlsx|csv a file to download' })
  @ApiResponse({ status: 400, description: 'REPORT_PERIOD_INVALID, VALIDATION_FAILED' })
  @ApiResponse({ status: 422, description: 'REPORT_PERIOD_NOT_STARTED' })
  async semester(@Param('year') yearText: string, @Param('semester') semesterText: string, @Query() query: ReportFormatQuery, @Res({ passthrough: true }) response: Response) {
    const now = new Date();
    const { year, semester } = parsePeriod(yearText, semesterText, now);
    await this.freshness.catchUp();
    const format = query.format ?? 'json';
    if (format === 'json') return semesterReport(this.db.manager, year, semester, now);
    return sendDocument(response, await exportDocument(this.db.manager, { year, semester }, format, false, now), format, fileName('laporan', year, semester, format));
  }

  @Post('semester/:year/:semester/submission')
  @Allow('DINKES_ADMIN')
  @ApiOperation({
    summary: "Record the semester report as submitted, pinned by the SHA-256 of its PDF (the same figures always render the same bytes)",
  })
  @ApiResponse({ status: 201, description: 'Submitted (a new revision when the figures changed since the last submission)' })
  @ApiResponse({ status: 200, description: 'This very document was already submitted: nothing recorded again' })
  @ApiResponse({ status: 503, description: 'REPORT_NOT_CURRENT: the figures are still being brought up to date' })
  async submit(@Param('year') yearText: string, @Param('semester') semesterText: string, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response) {
    const now = new Date();
    const { year, semester } = parsePeriod(yearText, semesterText, now);
    // A submitted report must include every access recorded before it: wait for the read models.
    if (!(await this.freshness.catchUp(10_000))) {
      throw new Refusal(503, 'REPORT_NOT_CURRENT', 'The report figures are still being brought up to date; try again in a minute.');
    }
    const report = await semesterReport(this.db.manager, year, semester, now);
    const pdf = await renderSemesterReportPdf(report);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await this.db.query(`INSERT INTO report_archive (pdf_sha256, year, semester, pdf) VALUES ($1, $2, $3, $4) ON CONFLICT (pdf_sha256) DO NOTHING`, [sha256, year, semester, pdf]);
    const { state, events } = await handle(
      this.store,
      reportStream(year, semester),
      reportSubmissionDecider,
      { year, semester, pdfSha256: sha256, submittedBy: request.caller!.operatorId },
      { now: () => now, ...correlationOf(request) },
    );
    const latest = state.submissions[state.submissions.length - 1]!;
    response.status(events.length > 0 ? 201 : 200);
    return {
      year,
      semester,
      revision: latest.revision,
      sha256,
      submittedAt: latest.submittedAt.toISOString(),
      dueOn: semesterPeriod(year, semester).dueOn,
      onTime: state.submissions[0]!.onTime,
    };
  }

  @Get('semester/:year/:semester/submission')
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'What was handed in for a semester; ?format=pdf gives the exact bytes, to re-check the SHA-256' })
  @ApiResponse({ status: 404, description: 'REPORT_NOT_SUBMITTED' })
  async submitted(@Param('year') yearText: string, @Param('semester') semesterText: string, @Query() query: ArchiveQuery, @Res({ passthrough: true }) response: Response) {
    const { year, semester } = parsePeriod(yearText, semesterText, new Date());
    await this.freshness.catchUp();
    const handedIn = await submissions(this.db.manager, year, semester);
    const wanted = query.revision ? handedIn.find((s) => s.revision === Number(query.revision)) : handedIn[handedIn.length - 1];
    if (!wanted) throw new Refusal(404, 'REPORT_NOT_SUBMITTED', 'No report was submitted for this semester (or no such revision).');
    if ((query.format ?? 'json') === 'json') return { year, semester, dueOn: semesterPeriod(year, semester).dueOn, submissions: handedIn };
    const rows: { pdf: Buffer }[] = await this.db.query(`SELECT pdf FROM report_archive WHERE pdf_sha256 = $1`, [wanted.sha256]);
    if (!rows[0]) throw new Refusal(404, 'REPORT_NOT_SUBMITTED', 'The submitted document is not in the archive.');
    return sendDocument(response, rows[0].pdf, 'pdf', fileName(`laporan-disampaikan-r${wanted.revision}`, year, semester, 'pdf'));
  }

  @Get('bupati/:year/:semester')
  @Allow('BUPATI_OFFICE', 'DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: "Summary for the Bupati (Pasal 9(4)): key figures across Puskesmas and Disdukcapil's evaluations, one or two pages" })
  @ApiResponse({ status: 200, description: 'PDF by default; ?format=xlsx or json' })
  async bupati(@Param('year') yearText: string, @Param('semester') semesterText: string, @Query() query: SummaryFormatQuery, @Res({ passthrough: true }) response: Response) {
    const now = new Date();
    const { year, semester } = parsePeriod(yearText, semesterText, now);
    await this.freshness.catchUp();
    const format = query.format ?? 'pdf';
    if (format === 'json') return bupatiSummary(this.db.manager, year, semester, now);
    return sendDocument(response, await exportDocument(this.db.manager, { year, semester }, format, true, now), format, fileName('ringkasan-bupati', year, semester, format));
  }
}
