import type { AccessCounts, BalikanCounts, SemesterReport } from './report-data';

/**
 * The per-Puskesmas figures of the semester report as one CSV table for spreadsheets: RFC 4180, comma
 * separated, CRLF line ends, and a UTF-8 byte order mark so Excel does not read the names as Latin-1.
 * Numbers are plain integers (no thousands separator) so spreadsheets read them as numbers.
 */

export const CSV_HEADER = [
  'kode_puskesmas',
  'nama_puskesmas',
  'kecamatan',
  'web_portal',
  'card_reader',
  'jumlah',
  'ditemukan',
  'meninggal',
  'tidak_ditemukan',
  'gagal_registry',
  'luar_kabupaten',
  'balikan_wajib',
  'balikan_dikirim',
  'balikan_terkirim',
  'balikan_ditinggalkan',
] as const;

const BOM = '\uFEFF';
const CRLF = '\r\n';

/** RFC 4180: a field holding a comma, a double quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function figures(a: AccessCounts, b: BalikanCounts): number[] {
  return [a.webPortal, a.cardReader, a.total, a.found, a.deceased, a.notFound, a.registryFailed, a.outOfRegency, b.owed, b.submitted, b.delivered, b.abandoned];
}

/** One row per Puskesmas, then a TOTAL row of the report's own totals. */
export function renderSemesterReportCsv(report: SemesterReport): string {
  const rows: (string | number)[][] = [
    [...CSV_HEADER],
    ...report.perPuskesmas.map((p) => [p.code, p.name, p.kecamatan, ...figures(p.accesses, p.balikan)]),
    ['TOTAL', '', '', ...figures(report.totals, report.balikan)],
  ];
  return BOM + rows.map((row) => row.map(csvField).join(',') + CRLF).join('');
}
