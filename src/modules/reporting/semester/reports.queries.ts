import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { Infrastructure } from '../../../infrastructure/infrastructure';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import { Refusal } from '../../../infrastructure/refusal';
import type { BupatiSummary, Semester, SemesterReport } from '../documents/report-data';
import { submissions, type SubmissionRow } from '../read-models/report-figures';
import { ReportingFreshness } from '../read-models/reporting-freshness';
import { exportDocument } from './export-document';
import { semesterPeriod, semesterRomanOf } from './semester';
import { bupatiSummary, semesterReport } from './semester-report.query';
import { AUDIT_SIGNER, type AuditSigner } from '../../audit/audit-signer';

export const DOCUMENT_TYPES = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;
export type FileFormat = keyof typeof DOCUMENT_TYPES;

/** A file to download: its bytes, its media type and the name it is saved under. */
export interface ReportDocument {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly fileName: string;
}

const fileName = (prefix: string, year: number, semester: Semester, ext: string) => `${prefix}-semester-${semesterRomanOf(semester)}-${year}.${ext}`;

/** The semester utilisation report of Pasal 9(1), as figures. */
export class GetSemesterReport extends Query<SemesterReport> {
  constructor(
    readonly year: number,
    readonly semester: Semester,
    readonly now: Date,
  ) {
    super();
  }
}

/** The Bupati summary of Pasal 9(4), as figures. */
export class GetBupatiSummary extends Query<BupatiSummary> {
  constructor(
    readonly year: number,
    readonly semester: Semester,
    readonly now: Date,
  ) {
    super();
  }
}

/** The semester report (`laporan`) or the Bupati summary (`ringkasan-bupati`) rendered as a file. */
export class ExportReportDocument extends Query<ReportDocument> {
  constructor(
    readonly document: 'semester-report' | 'bupati-summary',
    readonly year: number,
    readonly semester: Semester,
    readonly format: FileFormat,
    readonly now: Date,
  ) {
    super();
  }
}

/** What was handed in for a semester (404 REPORT_NOT_SUBMITTED when nothing, or not that revision). */
export class GetReportSubmissions extends Query<{ year: number; semester: Semester; dueOn: string; submissions: SubmissionRow[] }> {
  constructor(
    readonly year: number,
    readonly semester: Semester,
    readonly revision: number | undefined,
  ) {
    super();
  }
}

/** The exact PDF handed in (the latest revision, or the one named), to re-check its SHA-256. */
export class GetSubmittedReportPdf extends Query<ReportDocument> {
  constructor(
    readonly year: number,
    readonly semester: Semester,
    readonly revision: number | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetSemesterReport)
export class GetSemesterReportHandler implements IQueryHandler<GetSemesterReport> {
  constructor(
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
  ) {}

  async execute({ year, semester, now }: GetSemesterReport): Promise<SemesterReport> {
    await this.freshness.catchUp();
    return semesterReport(this.db.manager, year, semester, now, { signer: this.signer });
  }
}

@QueryHandler(GetBupatiSummary)
export class GetBupatiSummaryHandler implements IQueryHandler<GetBupatiSummary> {
  constructor(
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
  ) {}

  async execute({ year, semester, now }: GetBupatiSummary): Promise<BupatiSummary> {
    await this.freshness.catchUp();
    return bupatiSummary(this.db.manager, year, semester, now, { signer: this.signer });
  }
}

@QueryHandler(ExportReportDocument)
export class ExportReportDocumentHandler implements IQueryHandler<ExportReportDocument> {
  constructor(
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
  ) {}

  async execute({ document, year, semester, format, now }: ExportReportDocument): Promise<ReportDocument> {
    await this.freshness.catchUp();
    const bupati = document === 'bupati-summary';
    const bytes = await exportDocument(this.db.manager, { year, semester }, format, bupati, now, this.infra.config.letterheads, { signer: this.signer });
    return { bytes, contentType: DOCUMENT_TYPES[format], fileName: fileName(bupati ? 'ringkasan-bupati' : 'laporan', year, semester, format) };
  }
}

/** The submissions of a semester and the one asked for (the latest without a revision). */
async function handedIn(db: DataSource, freshness: ReportingFreshness, year: number, semester: Semester, revision: number | undefined) {
  await freshness.catchUp();
  const all = await submissions(db.manager, year, semester);
  const wanted = revision !== undefined ? all.find((s) => s.revision === revision) : all[all.length - 1];
  if (!wanted) throw new Refusal(404, 'REPORT_NOT_SUBMITTED', 'No report was submitted for this semester (or no such revision).');
  return { all, wanted };
}

@QueryHandler(GetReportSubmissions)
export class GetReportSubmissionsHandler implements IQueryHandler<GetReportSubmissions> {
  constructor(
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
  ) {}

  async execute({ year, semester, revision }: GetReportSubmissions) {
    const { all } = await handedIn(this.db, this.freshness, year, semester, revision);
    return { year, semester, dueOn: semesterPeriod(year, semester).dueOn, submissions: all };
  }
}

@QueryHandler(GetSubmittedReportPdf)
export class GetSubmittedReportPdfHandler implements IQueryHandler<GetSubmittedReportPdf> {
  constructor(
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
  ) {}

  async execute({ year, semester, revision }: GetSubmittedReportPdf): Promise<ReportDocument> {
    const { wanted } = await handedIn(this.db, this.freshness, year, semester, revision);
    const rows: { pdf: Buffer }[] = await this.db.query(`SELECT pdf FROM report_archive WHERE pdf_sha256 = $1`, [wanted.sha256]);
    if (!rows[0]) throw new Refusal(404, 'REPORT_NOT_SUBMITTED', 'The submitted document is not in the archive.');
    return { bytes: rows[0].pdf, contentType: DOCUMENT_TYPES.pdf, fileName: fileName(`laporan-disampaikan-r${wanted.revision}`, year, semester, 'pdf') };
  }
}
