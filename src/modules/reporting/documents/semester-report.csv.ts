import { BALIKAN_COVERAGE, CODE, SEMESTER_CSV, puskesmasRows, totalsRow, type PuskesmasColumn } from './puskesmas-columns';
import type { SemesterReport } from './report-data';

/**
 * The per-Puskesmas figures of the semester report as one CSV table for spreadsheets set to Indonesian:
 * semicolon separated (the list separator of Excel and LibreOffice in the id-ID locale, where the comma is
 * the decimal mark), a UTF-8 byte order mark so Excel reads the names as UTF-8, CRLF line ends, RFC 4180
 * quoting. Counts are plain integers (no thousands separator) and the coverage a percentage with a decimal
 * comma ("87,5"), or "–" where nothing was owed, so an Indonesian spreadsheet reads them as numbers.
 */

/** The columns: every outcome (ditemukan … sidik_jari_gagal) adds up to `jumlah`; then the coverage. */
const COLUMNS: readonly PuskesmasColumn[] = [...SEMESTER_CSV, { ...BALIKAN_COVERAGE, key: 'cakupan_balikan_persen' }];

/** The header row: the columns' keys. */
export const CSV_HEADER: readonly string[] = COLUMNS.map((column) => column.key);

export const CSV_SEPARATOR = ';';
const BOM = '\uFEFF';
const CRLF = '\r\n';

/** RFC 4180 with `;`: a field holding a semicolon, a double quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A share 0..1 as a percentage with one decimal and a decimal comma; text (the dash) as it is. */
function percent(value: string | number): string | number {
  return typeof value === 'number' ? (Math.round(value * 1000) / 10).toFixed(1).replace('.', ',') : value;
}

/** One row per Puskesmas, then a TOTAL row of the report's own totals. */
export function renderSemesterReportCsv(report: SemesterReport): string {
  const kinds = COLUMNS.map((c) => c.kind);
  const print = (row: readonly (string | number)[]) => row.map((value, i) => csvField(kinds[i] === 'percent' ? percent(value) : value));
  const rows: string[][] = [
    CSV_HEADER.map(csvField),
    ...puskesmasRows(COLUMNS, report.perPuskesmas).map(print),
    print(totalsRow(COLUMNS, { accesses: report.totals, balikan: report.balikan }, { text: 'TOTAL', in: CODE, blank: '' })),
  ];
  return BOM + rows.map((row) => row.join(CSV_SEPARATOR) + CRLF).join('');
}
