import type { EntityManager } from 'typeorm';
import { DEFAULT_LETTERHEADS, type Letterheads } from '../../../infrastructure/config/letterheads';
import { renderBupatiSummaryPdf, renderBupatiSummaryXlsx, renderSemesterReportCsv, renderSemesterReportPdf, renderSemesterReportXlsx } from '../documents';
import type { Semester } from '../documents/report-data';
import { bupatiSummary, semesterReport, type CheckpointOptions } from './semester-report.query';

export type DocumentFormat = 'json' | 'pdf' | 'xlsx' | 'csv';

/** The semester report or the Bupati summary of a period, rendered as the bytes of a file. */
export async function exportDocument(
  db: EntityManager,
  period: { year: number; semester: Semester },
  format: DocumentFormat,
  bupati: boolean,
  now: Date,
  letterheads: Letterheads = DEFAULT_LETTERHEADS,
  options: CheckpointOptions = {},
): Promise<Buffer> {
  if (bupati) {
    const summary = await bupatiSummary(db, period.year, period.semester, now, options);
    if (format === 'pdf') return renderBupatiSummaryPdf(summary, letterheads);
    if (format === 'xlsx') return renderBupatiSummaryXlsx(summary);
    return Buffer.from(JSON.stringify(summary, null, 2));
  }
  const report = await semesterReport(db, period.year, period.semester, now, options);
  if (format === 'pdf') return renderSemesterReportPdf(report, letterheads);
  if (format === 'xlsx') return renderSemesterReportXlsx(report);
  if (format === 'csv') return Buffer.from(renderSemesterReportCsv(report), 'utf8');
  return Buffer.from(JSON.stringify(report, null, 2));
}
