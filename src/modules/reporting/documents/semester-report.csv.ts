import { CODE, SEMESTER_CSV, puskesmasRows, totalsRow } from './puskesmas-columns';
import type { SemesterReport } from './report-data';

/**
 * The per-Puskesmas figures of the semester report as one CSV table for spreadsheets: RFC 4180, comma
 * separated, CRLF line ends, and a UTF-8 byte order mark so Excel does not read the names as Latin-1.
 * Numbers are plain integers (no thousands separator) so spreadsheets read them as numbers.
 */

/** The header row: the columns' keys. */
export const CSV_HEADER: readonly string[] = SEMESTER_CSV.map((column) => column.key);

const BOM = '\uFEFF';
const CRLF = '\r\n';

/** RFC 4180: a field holding a comma, a double quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per Puskesmas, then a TOTAL row of the report's own totals. */
export function renderSemesterReportCsv(report: SemesterReport): string {
  const rows: (string | number)[][] = [
    [...CSV_HEADER],
    ...puskesmasRows(SEMESTER_CSV, report.perPuskesmas),
    totalsRow(SEMESTER_CSV, { accesses: report.totals, balikan: report.balikan }, { text: 'TOTAL', in: CODE, blank: '' }),
  ];
  return BOM + rows.map((row) => row.map(csvField).join(',') + CRLF).join('');
}
