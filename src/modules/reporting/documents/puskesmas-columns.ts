import { DASH } from './labels';
import type { AccessCounts, BalikanCounts, PuskesmasRow } from './report-data';

/*
 * The per-Puskesmas tables of the documents, stated once: every table with one row per Puskesmas (semester
 * report PDF, workbook and CSV; Bupati summary PDF and workbook) takes its columns from a list below. A column
 * says its header and how to read its value; a figure reads the same getter from a Puskesmas' row and from
 * the report's totals, so a table's JUMLAH row cannot disagree with its columns. The renderers add only
 * layout (widths) and the medium's number format.
 */

export type ColumnKind = 'place' | 'text' | 'count' | 'percent';

export interface PuskesmasColumn {
  /** The column's name in the CSV (stable: spreadsheets and scripts key on it). */
  readonly key: string;
  readonly header: string;
  readonly kind: ColumnKind;
  /** The value for one Puskesmas; `place` is its row number in the table, from 1. */
  readonly value: (row: PuskesmasRow, place: number) => string | number;
  /** Figures only: the value in the totals row, read from the report's totals. */
  readonly total?: (accesses: AccessCounts, balikan: BalikanCounts) => number | string;
}

const text = (key: string, header: string, of: (row: PuskesmasRow) => string): PuskesmasColumn => ({ key, header, kind: 'text', value: of });

const figure = (
  key: string,
  header: string,
  of: (accesses: AccessCounts, balikan: BalikanCounts) => number | string,
  kind: 'count' | 'percent' = 'count',
): PuskesmasColumn => ({
  key,
  header,
  kind,
  value: (row) => of(row.accesses, row.balikan),
  total: of,
});

/** The same column under the header a particular table gives it. */
const headed = (column: PuskesmasColumn, header: string): PuskesmasColumn => ({ ...column, header });

export const PLACE: PuskesmasColumn = { key: 'no', header: 'No', kind: 'place', value: (_, place) => place };
export const CODE = text('kode_puskesmas', 'Kode', (p) => p.code);
export const NAME = text('nama_puskesmas', 'Puskesmas', (p) => p.name);
export const KECAMATAN = text('kecamatan', 'Kecamatan', (p) => p.kecamatan);

export const WEB_PORTAL = figure('web_portal', 'Web Portal', (a) => a.webPortal);
export const CARD_READER = figure('card_reader', 'Card Reader', (a) => a.cardReader);
export const TOTAL = figure('jumlah', 'Jumlah', (a) => a.total);
export const FOUND = figure('ditemukan', 'Ditemukan', (a) => a.found);
export const DECEASED = figure('meninggal', 'Meninggal', (a) => a.deceased);
export const NOT_FOUND = figure('tidak_ditemukan', 'Tidak ditemukan', (a) => a.notFound);
export const REGISTRY_FAILED = figure('gagal_registry', 'Gagal registry', (a) => a.registryFailed);
export const FINGERPRINT_FAILED = figure('sidik_jari_gagal', 'Sidik jari gagal', (a) => a.fingerprintFailed);
export const OUT_OF_REGENCY = figure('luar_kabupaten', 'Luar kabupaten', (a) => a.outOfRegency);
// The balikan figures count accesses (see BalikanCounts): the keys and headers say so.
export const BALIKAN_OWED = figure('akses_wajib_balikan', 'Akses wajib balikan', (_, b) => b.accessesOwingBalikan);
export const BALIKAN_SUBMITTED = figure('akses_balikan_dikirim', 'Akses balikan dikirim', (_, b) => b.accessesWithBalikanSubmitted);
export const BALIKAN_DELIVERED = figure('akses_balikan_terkirim', 'Akses balikan terkirim', (_, b) => b.accessesWithBalikanDelivered);
export const BALIKAN_ABANDONED = figure('akses_balikan_ditinggalkan', 'Akses balikan ditinggalkan', (_, b) => b.accessesWithBalikanOnlyAbandoned);
/** Delivered / owing; DASH (a text, in every medium) where no access owes one: there is no share of nothing. */
export const BALIKAN_COVERAGE = figure(
  'cakupan_balikan',
  'Cakupan balikan',
  (_, b) => (b.accessesOwingBalikan === 0 ? DASH : b.deliveredShareOfOwing),
  'percent',
);

/**
 * Every count of a Puskesmas in the semester report, in the order of the CSV and the "Per Puskesmas" sheet.
 * The outcomes (ditemukan, tidak ditemukan, gagal registry, sidik jari gagal) add up to the Jumlah.
 */
const REPORT_FIGURES = [
  WEB_PORTAL,
  CARD_READER,
  TOTAL,
  FOUND,
  DECEASED,
  NOT_FOUND,
  REGISTRY_FAILED,
  FINGERPRINT_FAILED,
  OUT_OF_REGENCY,
  BALIKAN_OWED,
  BALIKAN_SUBMITTED,
  BALIKAN_DELIVERED,
  BALIKAN_ABANDONED,
] as const;

/** A Puskesmas' balikan under the short headers of the report's balikan section. */
const BALIKAN_FIGURES = (abandonedHeader: string) => [
  headed(BALIKAN_OWED, 'Akses wajib'),
  headed(BALIKAN_SUBMITTED, 'Akses dikirim'),
  headed(BALIKAN_DELIVERED, 'Akses terkirim'),
  headed(BALIKAN_ABANDONED, abandonedHeader),
  headed(BALIKAN_COVERAGE, 'Cakupan'),
];

// The tables. Each list is one table's columns, left to right.

/** The semester report CSV (headers are the columns' keys). */
export const SEMESTER_CSV: readonly PuskesmasColumn[] = [CODE, NAME, KECAMATAN, ...REPORT_FIGURES];
/** The semester report workbook, sheet "Per Puskesmas". */
export const SEMESTER_SHEET: readonly PuskesmasColumn[] = [PLACE, CODE, NAME, KECAMATAN, ...REPORT_FIGURES, BALIKAN_COVERAGE];
/** The semester report PDF, section II (use per Puskesmas). */
export const SEMESTER_PDF_ACCESSES: readonly PuskesmasColumn[] = [
  PLACE,
  NAME,
  KECAMATAN,
  WEB_PORTAL,
  CARD_READER,
  TOTAL,
  FOUND,
  headed(OUT_OF_REGENCY, 'Luar Kab.'),
];
/** The semester report PDF, section IV (balikan); the header breaks after the slash in the narrow PDF column. */
export const SEMESTER_PDF_BALIKAN: readonly PuskesmasColumn[] = [PLACE, NAME, ...BALIKAN_FIGURES('Akses gagal/ ditinggalkan')];
/** The semester report workbook, sheet "Data Balikan". */
export const SEMESTER_SHEET_BALIKAN: readonly PuskesmasColumn[] = [PLACE, CODE, NAME, ...BALIKAN_FIGURES('Akses gagal/ditinggalkan')];
/** The Bupati summary PDF, section C (the Puskesmas with the most accesses). */
export const BUPATI_PDF: readonly PuskesmasColumn[] = [PLACE, NAME, KECAMATAN, headed(TOTAL, 'Jumlah akses'), headed(BALIKAN_COVERAGE, 'Cakupan data balikan')];
/** The Bupati summary workbook, sheet "Puskesmas" (ranked). */
export const BUPATI_SHEET: readonly PuskesmasColumn[] = [
  headed(PLACE, 'Peringkat'),
  CODE,
  NAME,
  KECAMATAN,
  WEB_PORTAL,
  CARD_READER,
  headed(TOTAL, 'Jumlah akses'),
  BALIKAN_OWED,
  BALIKAN_DELIVERED,
  BALIKAN_COVERAGE,
];

/** One row per Puskesmas, the raw values (numbers stay numbers). */
export function puskesmasRows(columns: readonly PuskesmasColumn[], rows: readonly PuskesmasRow[]): (string | number)[][] {
  return rows.map((row, i) => columns.map((column) => column.value(row, i + 1)));
}

/**
 * The totals row: each figure from the report's totals, `label` in the `labelIn` column, `blank` in the other
 * columns that hold no figure.
 */
export function totalsRow<B>(
  columns: readonly PuskesmasColumn[],
  totals: { readonly accesses: AccessCounts; readonly balikan: BalikanCounts },
  label: { readonly text: string; readonly in: PuskesmasColumn; readonly blank: B },
): (string | number | B)[] {
  return columns.map((column) => {
    if (column.total) return column.total(totals.accesses, totals.balikan);
    return column.key === label.in.key ? label.text : label.blank;
  });
}
