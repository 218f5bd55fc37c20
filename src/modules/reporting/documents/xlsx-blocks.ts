import { Workbook, type Worksheet } from 'exceljs';
import { startOfWibDay } from './pdf-blocks';
import { NAME, puskesmasRows, totalsRow, type PuskesmasColumn } from './puskesmas-columns';
import type { AccessCounts, BalikanCounts, PuskesmasRow } from './report-data';

/*
 * The sheet furniture shared by the semester report's and the Bupati summary's workbooks: document properties
 * dated by the data, a merged bold title in row 1, a bold shaded header row, label/value rows and table sheets.
 * Counts are stored as numbers (format '#,##0', which Excel shows with the reader's own thousands separator)
 * and shares as fractions formatted '0.0%', so they can be summed and charted.
 *
 * The xlsx container (a zip) stamps its entries with the time of writing, so unlike the PDF the bytes differ
 * between runs; the cells and the document properties do not.
 */

export const COUNT_FORMAT = '#,##0';
export const PERCENT_FORMAT = '0.0%';
const HEADER_FILL = 'FFE7E6E6';
const TOTAL_FILL = 'FFF2F2F2';

export type CellValue = string | number | null;

export interface SheetColumn {
  readonly header: string;
  readonly width: number;
  readonly format?: 'count' | 'percent';
}

/** Dated like the PDF: 00.00 WIB of the day it is rendered (`renderedOn`), from the data, never the clock. */
export function createWorkbook(renderedOn: string, author: string, title: string): Workbook {
  const workbook = new Workbook();
  const date = startOfWibDay(renderedOn);
  workbook.creator = author;
  workbook.lastModifiedBy = author;
  workbook.title = title;
  workbook.company = 'Pemerintah Kabupaten Karanganyar';
  workbook.created = date;
  workbook.modified = date;
  return workbook;
}

export async function workbookBuffer(workbook: Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function addSheet(workbook: Workbook, name: string, widths: readonly number[], landscape = false): Worksheet {
  const sheet = workbook.addWorksheet(name, {
    pageSetup: { paperSize: 9, orientation: landscape ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = widths.map((width) => ({ width }));
  return sheet;
}

/** Row 1: the title, bold, merged across the sheet's columns. */
export function titleRow(sheet: Worksheet, title: string, columnCount: number): void {
  sheet.mergeCells(1, 1, 1, Math.max(1, columnCount));
  const cell = sheet.getCell(1, 1);
  cell.value = title;
  cell.font = { bold: true, size: 12 };
  cell.alignment = { vertical: 'middle', wrapText: true };
  sheet.getRow(1).height = 32;
}

export function headerRow(sheet: Worksheet, rowNumber: number, headers: readonly string[]): void {
  const row = sheet.getRow(rowNumber);
  headers.forEach((header, i) => {
    const cell = row.getCell(i + 1);
    cell.value = header;
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = { bottom: { style: 'thin' } };
  });
}

/** Writes values into a row; numbers get the column's format. */
export function valueRow(
  sheet: Worksheet,
  rowNumber: number,
  values: readonly CellValue[],
  formats: readonly (SheetColumn['format'] | undefined)[],
  bold = false,
): void {
  const row = sheet.getRow(rowNumber);
  values.forEach((value, i) => {
    const cell = row.getCell(i + 1);
    cell.value = value;
    const format = formats[i];
    if (typeof value === 'number' && format) cell.numFmt = format === 'percent' ? PERCENT_FORMAT : COUNT_FORMAT;
    if (bold) {
      cell.font = { bold: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: TOTAL_FILL } };
    }
  });
}

/** A sheet holding one table: title (row 1), header (row 2, frozen), rows from row 3, optional bold total row. */
export function tableSheet(
  workbook: Workbook,
  spec: {
    name: string;
    title: string;
    columns: readonly SheetColumn[];
    rows: readonly (readonly CellValue[])[];
    total?: readonly CellValue[];
    landscape?: boolean;
  },
): Worksheet {
  const sheet = addSheet(
    workbook,
    spec.name,
    spec.columns.map((c) => c.width),
    spec.landscape,
  );
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  titleRow(sheet, spec.title, spec.columns.length);
  headerRow(
    sheet,
    2,
    spec.columns.map((c) => c.header),
  );
  const formats = spec.columns.map((c) => c.format);
  spec.rows.forEach((values, i) => valueRow(sheet, 3 + i, values, formats));
  if (spec.total) valueRow(sheet, 3 + spec.rows.length, spec.total, formats, true);
  return sheet;
}

/** Label/value pairs from `firstRow` on, column A and B. */
export function labelValueRows(sheet: Worksheet, firstRow: number, rows: readonly (readonly [string, CellValue, SheetColumn['format']?])[]): void {
  rows.forEach(([label, value, format], i) => valueRow(sheet, firstRow + i, [label, value], [undefined, format]));
}

/**
 * A sheet with one row per Puskesmas, with one of the column lists of puskesmas-columns.ts: `widths` in
 * characters, one per column; with `totals`, a bold JUMLAH row from the report's totals.
 */
export function puskesmasSheet(
  workbook: Workbook,
  spec: {
    name: string;
    title: string;
    columns: readonly PuskesmasColumn[];
    widths: readonly number[];
    rows: readonly PuskesmasRow[];
    totals?: { readonly accesses: AccessCounts; readonly balikan: BalikanCounts };
    landscape?: boolean;
  },
): Worksheet {
  if (spec.widths.length !== spec.columns.length) throw new RangeError(`${spec.columns.length} columns, ${spec.widths.length} widths`);
  return tableSheet(workbook, {
    name: spec.name,
    title: spec.title,
    columns: spec.columns.map((c, i): SheetColumn => {
      const width = spec.widths[i] ?? 0;
      return c.kind === 'count' || c.kind === 'percent' ? { header: c.header, width, format: c.kind } : { header: c.header, width };
    }),
    rows: puskesmasRows(spec.columns, spec.rows),
    ...(spec.totals ? { total: totalsRow(spec.columns, spec.totals, { text: 'JUMLAH', in: NAME, blank: null }) } : {}),
    ...(spec.landscape ? { landscape: true } : {}),
  });
}
