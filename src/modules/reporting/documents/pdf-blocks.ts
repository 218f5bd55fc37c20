import PDFDocument from 'pdfkit';
import type { Letterhead, Letterheads } from '../../../infrastructure/config/letterheads';
import { agreementChangeLine, agreementStatusLabel, formatDate, formatNip, formatNumber, formatPercent, formatPeriod } from './labels';
import { NAME, puskesmasRows, totalsRow, type PuskesmasColumn } from './puskesmas-columns';
import type { AccessCounts, AgreementChangeSummary, AgreementSummary, BalikanCounts, LogCheckpointSummary, PuskesmasRow, Signatory } from './report-data';

/*
 * The page furniture shared by the semester report and the Bupati summary: document and page, letterhead,
 * headings, label/value lines, ruled tables, charts, the signature block and page numbers.
 *
 * Only the standard 14 fonts are used, so no font file is read or embedded and the output depends on nothing
 * but the report object.
 */

export type Doc = PDFKit.PDFDocument;
type Align = 'left' | 'right' | 'center';

const FONT = 'Helvetica';
const FONT_BOLD = 'Helvetica-Bold';
const INK = '#000000';
const RULE = '#808080';
const GRID = '#d9d9d9';
const HEADER_FILL = '#e7e6e6';
const TOTAL_FILL = '#f2f2f2';
/** A draft's marks. */
const DRAFT = '#c00000';
export const COLORS = { webPortal: '#2f5597', cardReader: '#c55a11', balikan: '#548235' } as const;

const MARGINS = { top: 50, bottom: 64, left: 64, right: 50 };
const BODY_SIZE = 9.5;
const TABLE_SIZE = 8;
const CELL_PAD_X = 3;
const CELL_PAD_Y = 2.5;
/** A heading's line and the gap under it. */
const HEADING_HEIGHT = 18;

// ---------------------------------------------------------------------------------------------------------------
// Document and page

export interface PdfMeta {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  /**
   * Creation and modification date, from the data (never the clock) so equal data gives equal bytes: the
   * start (00.00 WIB) of the day the document is rendered, `renderedOn`.
   */
  readonly renderedOn: string;
}

/** 00.00 WIB of a YYYY-MM-DD day, the instant the PDF and the workbook are dated with. */
export function startOfWibDay(day: string): Date {
  const date = new Date(`${day}T00:00:00+07:00`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`renderedOn is not a day: ${day}`);
  return date;
}

/**
 * pdfkit computes the trailer /ID once, in the constructor, as an MD5 of the info dictionary (CreationDate
 * included). Passing fixed dates and strings here, not assigning `doc.info` later, makes the /ID a function of
 * the data. Nothing else in pdfkit is random unless encryption is asked for, and it is not.
 */
export function createPdf(meta: PdfMeta): Doc {
  const date = startOfWibDay(meta.renderedOn);
  return new PDFDocument({
    size: 'A4',
    layout: 'portrait',
    margins: MARGINS,
    bufferPages: true,
    lang: 'id-ID',
    displayTitle: true,
    font: FONT,
    info: {
      Title: meta.title,
      Author: meta.author,
      Subject: meta.subject,
      Creator: 'NIK access gateway',
      Producer: 'NIK access gateway (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
  });
}

export function finishPdf(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

const left = (doc: Doc) => doc.page.margins.left;
const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page unless `height` points still fit on this one. */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function setFont(doc: Doc, size: number, bold = false, color = INK): Doc {
  return doc
    .font(bold ? FONT_BOLD : FONT)
    .fontSize(size)
    .fillColor(color);
}

/** One line placed exactly, never wrapped, never starting a page (pdfkit only paginates wrapped text). */
function line(doc: Doc, text: string, x: number, y: number, opts: { size: number; bold?: boolean; color?: string; align?: Align; width?: number }): void {
  setFont(doc, opts.size, opts.bold, opts.color);
  const width = opts.width ?? 0;
  const textWidth = doc.widthOfString(text);
  const at = opts.align === 'right' ? x + width - textWidth : opts.align === 'center' ? x + (width - textWidth) / 2 : x;
  doc.text(text, at, y, { lineBreak: false });
}

/** Shortens `text` with "..." until it fits `width` at the current font. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 0 && doc.widthOfString(`${cut}...`) > width) cut = cut.slice(0, -1);
  return `${cut}...`;
}

/** The height `paragraph` takes for `text` (with its gap). */
export function paragraphHeight(doc: Doc, text: string, opts: { size?: number; bold?: boolean; gap?: number; indent?: number } = {}): number {
  setFont(doc, opts.size ?? BODY_SIZE, opts.bold);
  return doc.heightOfString(text, { width: contentWidth(doc) - (opts.indent ?? 0) }) + (opts.gap ?? 2);
}

/** Flowing text across the content width; may continue on the next page. */
export function paragraph(
  doc: Doc,
  text: string,
  opts: { size?: number; bold?: boolean; align?: Align | 'justify'; gap?: number; indent?: number } = {},
): void {
  setFont(doc, opts.size ?? BODY_SIZE, opts.bold);
  const indent = opts.indent ?? 0;
  doc.text(text, left(doc) + indent, doc.y, { width: contentWidth(doc) - indent, align: opts.align ?? 'left' });
  doc.y += opts.gap ?? 2;
}

const LOGO_SIZE = 62;

/**
 * Kop surat: the coat of arms on the left (when configured), and centred on the page the government, the
 * office, its address with postcode, telephone, e-mail and website, then the double rule. The text is centred
 * on the whole width whether or not a logo is drawn, and kept clear of the logo's column on both sides, so
 * the kop stays balanced either way.
 */
export function letterhead(doc: Doc, office: Letterhead, logo: Letterheads['logo']): void {
  const x = left(doc);
  const width = contentWidth(doc);
  const top = doc.page.margins.top;
  const gutter = LOGO_SIZE + 8;
  const textX = x + gutter;
  const textWidth = width - 2 * gutter;
  let y = top;
  line(doc, 'PEMERINTAH KABUPATEN KARANGANYAR', textX, y, { size: 13, bold: true, align: 'center', width: textWidth });
  y += 16;
  // A long office name is set smaller rather than cut.
  let officeSize = 15;
  while (officeSize > 10 && (setFont(doc, officeSize, true), doc.widthOfString(office.office)) > textWidth) officeSize -= 0.5;
  line(doc, fitAt(doc, office.office, textWidth, officeSize, true), textX, y + (15 - officeSize) / 2, {
    size: officeSize,
    bold: true,
    align: 'center',
    width: textWidth,
  });
  y += 19;
  line(doc, fitAt(doc, office.address, textWidth, 8.5), textX, y, { size: 8.5, align: 'center', width: textWidth });
  y += 11;
  line(doc, fitAt(doc, `Telepon ${office.phone}, Pos-el ${office.email}`, textWidth, 8.5), textX, y, { size: 8.5, align: 'center', width: textWidth });
  y += 11;
  line(doc, fitAt(doc, `Laman ${office.website}`, textWidth, 8.5), textX, y, { size: 8.5, align: 'center', width: textWidth });
  y += 13;
  if (logo) doc.image(logo.image, x, top + (y - top - LOGO_SIZE) / 2, { fit: [LOGO_SIZE, LOGO_SIZE], align: 'center', valign: 'center' });
  doc
    .save()
    .strokeColor(INK)
    .lineWidth(2)
    .moveTo(x, y)
    .lineTo(x + width, y)
    .stroke();
  doc
    .lineWidth(0.6)
    .moveTo(x, y + 3)
    .lineTo(x + width, y + 3)
    .stroke()
    .restore();
  doc.x = x;
  doc.y = y + 14;
}

export interface LetterDetails {
  readonly dateLine: string;
  /** Nomor surat; null: a draft, printed "…/…/…" and marked DRAF. */
  readonly number: string | null;
  readonly nature: string;
  readonly attachment: string;
  readonly subject: string;
  readonly addressee: readonly string[];
}

/**
 * The head of a surat dinas (Tata Naskah Dinas): place and date on the right; Nomor, Sifat, Lampiran and Hal
 * on the left; the addressee under the date. A draft carries a framed "DRAF" so nobody sends it.
 */
export function letterDetails(doc: Doc, d: LetterDetails): void {
  const x = left(doc);
  const width = contentWidth(doc);
  const rightX = x + width - 190;
  let y = doc.y;
  if (d.number === null) {
    const label = 'DRAF - BELUM BERNOMOR, JANGAN DIKIRIM';
    setFont(doc, 10, true);
    const boxWidth = doc.widthOfString(label) + 16;
    doc
      .save()
      .lineWidth(1.2)
      .strokeColor(DRAFT)
      .rect(x, y - 2, boxWidth, 17)
      .stroke()
      .restore();
    line(doc, label, x + 8, y + 2.5, { size: 10, bold: true, color: DRAFT });
  }
  line(doc, d.dateLine, rightX, y, { size: BODY_SIZE });
  y += 22;
  const labelWidth = 52;
  const valueWidth = rightX - x - labelWidth - 20;
  const rows: [string, string][] = [
    ['Nomor', d.number ?? '\u2026/\u2026/\u2026'],
    ['Sifat', d.nature],
    ['Lampiran', d.attachment],
    ['Hal', d.subject],
  ];
  setFont(doc, BODY_SIZE);
  let leftY = y;
  for (const [label, value] of rows) {
    line(doc, label, x, leftY, { size: BODY_SIZE });
    line(doc, ':', x + labelWidth, leftY, { size: BODY_SIZE });
    setFont(doc, BODY_SIZE, label === 'Nomor' && d.number === null, label === 'Nomor' && d.number === null ? DRAFT : INK);
    doc.text(value, x + labelWidth + 8, leftY, { width: valueWidth });
    leftY = doc.y + 2;
  }
  let rightY = y;
  d.addressee.forEach((text, i) => {
    // "di" and the town under the addressee, the town indented as the form has it.
    line(doc, text, rightX + (i === 2 ? 12 : 0), rightY, { size: BODY_SIZE, bold: i === 0 });
    rightY += 13;
  });
  doc.x = x;
  doc.y = Math.max(leftY, rightY) + 14;
}

/** The title in bold capitals, centred, followed by centred lines such as the period. */
export function titleBlock(doc: Doc, title: string, lines: readonly string[]): void {
  setFont(doc, 11.5, true);
  doc.text(title, left(doc), doc.y, { width: contentWidth(doc), align: 'center' });
  doc.y += 4;
  for (const text of lines) paragraph(doc, text, { align: 'center', gap: 0 });
  doc.y += 10;
}

/**
 * A numbered section heading, kept on the same page as the first `keepWith` points that follow it: pass the
 * measured height of the block's opening (tableOpening, keyValuesHeight, paragraphHeight), never a guess,
 * so a heading is never the last thing on a page.
 */
export function heading(doc: Doc, text: string, keepWith: number): void {
  doc.y += 6;
  ensureSpace(doc, HEADING_HEIGHT + keepWith);
  setFont(doc, 10.5, true);
  doc.text(text, left(doc), doc.y, { width: contentWidth(doc) });
  doc.y += 4;
}

export interface KeyValue {
  readonly label: string;
  readonly value: string;
  /** A sub-item of the row above it. */
  readonly indent?: boolean;
  readonly bold?: boolean;
}

/** The height of the first `count` rows of keyValues (all by default). */
export function keyValuesHeight(doc: Doc, rows: number): number {
  setFont(doc, BODY_SIZE);
  return rows * (doc.currentLineHeight(true) + 3) + 4;
}

/** "Label : value" lines as in an official letter; values right-aligned so digits line up. */
export function keyValues(doc: Doc, rows: readonly KeyValue[]): void {
  const x = left(doc) + 12;
  const labelWidth = 310;
  const valueWidth = 100;
  setFont(doc, BODY_SIZE);
  const rowHeight = doc.currentLineHeight(true) + 3;
  for (const row of rows) {
    ensureSpace(doc, rowHeight);
    const y = doc.y;
    const indent = row.indent ? 12 : 0;
    line(doc, fitAt(doc, row.label, labelWidth - indent, BODY_SIZE, row.bold), x + indent, y, { size: BODY_SIZE, bold: row.bold });
    line(doc, ':', x + labelWidth, y, { size: BODY_SIZE });
    line(doc, row.value, x + labelWidth + 8, y, { size: BODY_SIZE, bold: row.bold, align: 'right', width: valueWidth });
    doc.x = left(doc);
    doc.y = y + rowHeight;
  }
  doc.y += 4;
}

/** `text` shortened to `width` at the given size. */
function fitAt(doc: Doc, text: string, width: number, size = BODY_SIZE, bold = false): string {
  setFont(doc, size, bold);
  return fit(doc, text, width);
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

export interface Column {
  readonly header: string;
  /** Points; 0 = take what the other columns leave. */
  readonly width: number;
  readonly align?: Align;
}

export interface TableSpec {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
  /** A bold last row (JUMLAH). */
  readonly total?: readonly string[];
  /** Printed instead of the rows when there are none. */
  readonly empty?: string;
  /** Height of what must follow the table on the same page (e.g. the closing): its last rows move with it. */
  readonly keepWithNext?: number;
}

/** Rows of a table kept with its header, and with what follows it. */
const KEPT_ROWS = 3;

interface RowStyle {
  readonly bold: boolean;
  readonly fill?: string;
  readonly headerAlign?: boolean;
}

function columnWidths(doc: Doc, columns: readonly Column[]): number[] {
  const fixed = columns.reduce((sum, c) => sum + c.width, 0);
  const flexible = columns.filter((c) => c.width === 0).length;
  const share = flexible > 0 ? Math.max(40, (contentWidth(doc) - fixed) / flexible) : 0;
  return columns.map((c) => (c.width === 0 ? share : c.width));
}

function rowHeight(doc: Doc, cells: readonly string[], widths: readonly number[], bold: boolean): number {
  setFont(doc, TABLE_SIZE, bold);
  const lineHeight = doc.currentLineHeight(true);
  const heights = cells.map((text, i) => (text ? doc.heightOfString(text, { width: (widths[i] ?? 0) - 2 * CELL_PAD_X }) : lineHeight));
  return Math.max(lineHeight, ...heights) + 2 * CELL_PAD_Y;
}

function drawRow(doc: Doc, columns: readonly Column[], widths: readonly number[], cells: readonly string[], y: number, style: RowStyle): number {
  const height = rowHeight(doc, cells, widths, style.bold);
  let x = left(doc);
  doc.save().lineWidth(0.5).strokeColor(RULE);
  widths.forEach((width, i) => {
    if (style.fill) doc.rect(x, y, width, height).fillAndStroke(style.fill, RULE);
    else doc.rect(x, y, width, height).stroke();
    const align = style.headerAlign ? 'center' : (columns[i]?.align ?? 'left');
    setFont(doc, TABLE_SIZE, style.bold);
    doc.text(cells[i] ?? '', x + CELL_PAD_X, y + CELL_PAD_Y, { width: width - 2 * CELL_PAD_X, align });
    x += width;
  });
  doc.restore();
  return height;
}

/**
 * The height a table's header and first rows take (and, when they are all its rows, what it keeps with
 * next): what its heading must keep with.
 */
export function tableOpening(doc: Doc, spec: TableSpec): number {
  const next = spec.keepWithNext ?? 0;
  if (spec.rows.length === 0 && spec.empty) return paragraphHeight(doc, spec.empty, { indent: 12 }) + next;
  const widths = columnWidths(doc, spec.columns);
  const body = tableBody(spec);
  const header = rowHeight(
    doc,
    spec.columns.map((c) => c.header),
    widths,
    true,
  );
  return (
    header + body.slice(0, KEPT_ROWS).reduce((sum, row) => sum + rowHeight(doc, row.cells, widths, row.style.bold), 0) + (body.length <= KEPT_ROWS ? next : 0)
  );
}

function tableBody(spec: TableSpec): { cells: readonly string[]; style: RowStyle }[] {
  const body: { cells: readonly string[]; style: RowStyle }[] = spec.rows.map((cells) => ({ cells, style: { bold: false } }));
  if (spec.total) body.push({ cells: spec.total, style: { bold: true, fill: TOTAL_FILL } });
  return body;
}

/**
 * A ruled table; rows that do not fit go to the next page under a repeated header row. The header stays with
 * the first rows, and with `keepWithNext` the last rows stay with what follows, so neither a header nor a
 * closing stands alone at a page's edge.
 */
export function table(doc: Doc, spec: TableSpec): void {
  if (spec.rows.length === 0 && spec.empty) {
    ensureSpace(doc, paragraphHeight(doc, spec.empty, { indent: 12 }) + (spec.keepWithNext ?? 0));
    paragraph(doc, spec.empty, { indent: 12 });
    return;
  }
  const widths = columnWidths(doc, spec.columns);
  const headers = spec.columns.map((c) => c.header);
  const headerStyle: RowStyle = { bold: true, fill: HEADER_FILL, headerAlign: true };
  const body = tableBody(spec);
  const heights = body.map((row) => rowHeight(doc, row.cells, widths, row.style.bold));
  const headerHeight = rowHeight(doc, headers, widths, true);
  const sum = (from: number, to: number) => heights.slice(from, to).reduce((a, b) => a + b, 0);
  ensureSpace(doc, headerHeight + sum(0, KEPT_ROWS) + (body.length <= KEPT_ROWS ? (spec.keepWithNext ?? 0) : 0));
  let y = doc.y;
  y += drawRow(doc, spec.columns, widths, headers, y, headerStyle);
  const tailFrom = Math.max(KEPT_ROWS, body.length - Math.min(2, body.length));
  body.forEach(({ cells, style }, i) => {
    // From the tail on, the rest of the table and what follows must fit together.
    const needed = i === tailFrom && spec.keepWithNext ? sum(i, body.length) + spec.keepWithNext + 8 : (heights[i] ?? 0);
    if (y + needed > bottom(doc)) {
      doc.addPage();
      y = doc.y;
      y += drawRow(doc, spec.columns, widths, headers, y, headerStyle);
    }
    y += drawRow(doc, spec.columns, widths, cells, y, style);
  });
  doc.x = left(doc);
  doc.y = y + 8;
}

/** A number as the PDF prints it: counts with a thousands dot, shares as percentages, places as they are. */
function printed(kind: PuskesmasColumn['kind'], value: string | number): string {
  if (typeof value !== 'number' || kind === 'place') return String(value);
  return kind === 'percent' ? formatPercent(value) : formatNumber(value);
}

export interface PuskesmasTableSpec {
  readonly columns: readonly PuskesmasColumn[];
  /** Points, one per column (0 = what the others leave). */
  readonly widths: readonly number[];
  readonly rows: readonly PuskesmasRow[];
  /** With totals, a JUMLAH row from the report's totals. */
  readonly totals?: { readonly accesses: AccessCounts; readonly balikan: BalikanCounts };
  readonly empty: string;
  readonly keepWithNext?: number;
}

/** The ruled table a list of Puskesmas columns (puskesmas-columns.ts) makes: figures right-aligned. */
export function puskesmasTableSpec(spec: PuskesmasTableSpec): TableSpec {
  if (spec.widths.length !== spec.columns.length) throw new RangeError(`${spec.columns.length} columns, ${spec.widths.length} widths`);
  const kinds = spec.columns.map((c) => c.kind);
  const print = (values: readonly (string | number)[]) => values.map((value, i) => printed(kinds[i] ?? 'text', value));
  return {
    columns: spec.columns.map((c, i): Column =>
      c.kind === 'text' ? { header: c.header, width: spec.widths[i] ?? 0 } : { header: c.header, width: spec.widths[i] ?? 0, align: 'right' },
    ),
    rows: puskesmasRows(spec.columns, spec.rows).map(print),
    ...(spec.totals ? { total: print(totalsRow(spec.columns, spec.totals, { text: 'JUMLAH', in: NAME, blank: '' })) } : {}),
    empty: spec.empty,
    ...(spec.keepWithNext !== undefined ? { keepWithNext: spec.keepWithNext } : {}),
  };
}

/** A table of Puskesmas with one of the column lists of puskesmas-columns.ts. */
export function puskesmasTable(doc: Doc, spec: PuskesmasTableSpec): void {
  table(doc, puskesmasTableSpec(spec));
}

// ---------------------------------------------------------------------------------------------------------------
// Charts (vector primitives only)

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** An axis top and step of 1, 2 or 5 times a power of ten, whole numbers only (the values are counts). */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  return { top: Math.max(step, Math.ceil(max / step) * step), step };
}

function chartTitle(doc: Doc, title: string, y: number): number {
  line(doc, title, left(doc), y, { size: 9, bold: true, align: 'center', width: contentWidth(doc) });
  return y + 14;
}

function legend(doc: Doc, series: readonly Series[], y: number): number {
  setFont(doc, 7.5);
  const items = series.map((s) => ({ s, width: 12 + doc.widthOfString(s.name) }));
  const total = items.reduce((sum, item) => sum + item.width, 0) + 16 * (items.length - 1);
  let x = left(doc) + (contentWidth(doc) - total) / 2;
  for (const { s, width } of items) {
    doc
      .save()
      .rect(x, y + 1, 8, 7)
      .fill(s.color)
      .restore();
    line(doc, s.name, x + 12, y, { size: 7.5 });
    x += width + 16;
  }
  return y + 14;
}

function noData(doc: Doc, y: number): void {
  line(doc, 'Tidak ada data', left(doc), y, { size: 8, color: RULE, align: 'center', width: contentWidth(doc) });
  doc.x = left(doc);
  doc.y = y + 20;
}

/** Vertical bars, one group per category, one bar per series, each bar labelled with its value. */
export function groupedBarChart(doc: Doc, spec: { title: string; categories: readonly string[]; series: readonly Series[]; height?: number }): void {
  const plotHeight = spec.height ?? 140;
  ensureSpace(doc, plotHeight + 60);
  let y = chartTitle(doc, spec.title, doc.y);
  y = legend(doc, spec.series, y);
  if (spec.categories.length === 0) return noData(doc, y);

  const axisX = left(doc) + 42;
  const plotWidth = contentWidth(doc) - 50;
  const top = y + 8;
  const baseline = top + plotHeight;
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values));
  const scale = niceScale(max);
  const yOf = (v: number) => baseline - (Math.max(0, v) / scale.top) * plotHeight;

  for (let tick = 0; tick <= scale.top; tick += scale.step) {
    const ty = yOf(tick);
    doc
      .save()
      .lineWidth(0.4)
      .strokeColor(GRID)
      .moveTo(axisX, ty)
      .lineTo(axisX + plotWidth, ty)
      .stroke()
      .restore();
    line(doc, formatNumber(tick), axisX - 44, ty - 3, { size: 6.5, align: 'right', width: 40 });
  }

  const groupWidth = plotWidth / spec.categories.length;
  const barWidth = Math.min(36, (groupWidth * 0.7) / Math.max(1, spec.series.length));
  spec.categories.forEach((category, i) => {
    const groupX = axisX + i * groupWidth + (groupWidth - barWidth * spec.series.length) / 2;
    spec.series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const x = groupX + j * barWidth;
      const barTop = yOf(Math.min(value, scale.top));
      if (baseline - barTop > 0)
        doc
          .save()
          .rect(x + 1, barTop, barWidth - 2, baseline - barTop)
          .fill(s.color)
          .restore();
      line(doc, formatNumber(value), x - 10, barTop - 8, { size: 6, align: 'center', width: barWidth + 20 });
    });
    line(doc, fitAt(doc, category, groupWidth - 2, 7), axisX + i * groupWidth, baseline + 4, { size: 7, align: 'center', width: groupWidth });
  });

  doc
    .save()
    .lineWidth(0.8)
    .strokeColor(INK)
    .moveTo(axisX, top - 4)
    .lineTo(axisX, baseline)
    .lineTo(axisX + plotWidth, baseline)
    .stroke()
    .restore();
  doc.x = left(doc);
  doc.y = baseline + 22;
}

/** Horizontal bars on a 0-100% axis; continues on the next page (axis repeated) when the rows do not fit. */
export function percentBarChart(doc: Doc, spec: { title: string; items: readonly { label: string; share: number }[]; color: string }): void {
  const rowHeight = 12;
  const labelWidth = 150;
  ensureSpace(doc, 40 + rowHeight * Math.min(3, Math.max(1, spec.items.length)) + 20);
  let y = chartTitle(doc, spec.title, doc.y);
  if (spec.items.length === 0) return noData(doc, y);

  let remaining = spec.items;
  while (remaining.length > 0) {
    const fits = Math.max(1, Math.floor((bottom(doc) - y - 24) / rowHeight));
    const chunk = remaining.slice(0, fits);
    remaining = remaining.slice(fits);
    y = percentBars(doc, chunk, y, { rowHeight, labelWidth, color: spec.color });
    if (remaining.length > 0) {
      doc.addPage();
      y = chartTitle(doc, `${spec.title} (lanjutan)`, doc.y);
    }
  }
  doc.x = left(doc);
  doc.y = y + 10;
}

function percentBars(
  doc: Doc,
  items: readonly { label: string; share: number }[],
  y: number,
  o: { rowHeight: number; labelWidth: number; color: string },
): number {
  const axisX = left(doc) + o.labelWidth + 6;
  const plotWidth = contentWidth(doc) - o.labelWidth - 6 - 40;
  const top = y + 2;
  const baseline = top + items.length * o.rowHeight;
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = axisX + tick * plotWidth;
    doc.save().lineWidth(0.4).strokeColor(GRID).moveTo(tx, top).lineTo(tx, baseline).stroke().restore();
    line(doc, formatPercent(tick).replace(',0', ''), tx - 20, baseline + 3, { size: 6.5, align: 'center', width: 40 });
  }
  items.forEach((item, i) => {
    const rowY = top + i * o.rowHeight;
    const length = Math.min(1, Math.max(0, item.share)) * plotWidth;
    line(doc, fitAt(doc, item.label, o.labelWidth, 7), left(doc), rowY + 2.5, { size: 7, align: 'right', width: o.labelWidth });
    if (length > 0)
      doc
        .save()
        .rect(axisX, rowY + 2, length, o.rowHeight - 4)
        .fill(o.color)
        .restore();
    line(doc, formatPercent(item.share), axisX + length + 3, rowY + 2.5, { size: 6.5 });
  });
  doc
    .save()
    .lineWidth(0.8)
    .strokeColor(INK)
    .moveTo(axisX, top)
    .lineTo(axisX, baseline)
    .lineTo(axisX + plotWidth, baseline)
    .stroke()
    .restore();
  return baseline + 14;
}

// ---------------------------------------------------------------------------------------------------------------
// Closing

export interface SignatureSpec {
  /** "Karanganyar, 2 Desember 2026"; absent in a letter dated at its head. */
  readonly dateLine?: string;
  /** The position printed when no signatory is recorded, e.g. ["KEPALA DINAS KESEHATAN", "KABUPATEN KARANGANYAR"]. */
  readonly defaultPosition: readonly string[];
  readonly signatory: Signatory | null;
}

export interface ClosingSpec {
  /** Small paragraphs kept with the closing (the audit note). */
  readonly notes?: readonly string[];
  readonly sentence: string;
  readonly signature: SignatureSpec;
}

const SIGNATURE_WIDTH = 250;
const SIGN_ROOM = 50;
const LINE = 13;
const BLANK_NAME = '(.............................................)';

/** The position as lines of the signature column: the register's jabatan (wrapped, in capitals) or the default. */
function positionLines(doc: Doc, spec: SignatureSpec): string[] {
  if (!spec.signatory) return [...spec.defaultPosition];
  setFont(doc, BODY_SIZE, true);
  const words = spec.signatory.position.toUpperCase().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && doc.widthOfString(`${last} ${word}`) <= SIGNATURE_WIDTH) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

function signatureHeight(doc: Doc, spec: SignatureSpec): number {
  return 12 + (spec.dateLine ? 14 : 0) + positionLines(doc, spec).length * LINE + SIGN_ROOM + 3 * LINE + 1 + 8;
}

/**
 * The signature block on the right half: place and date, the position, room to sign, then the name (bold,
 * underlined), pangkat/golongan and NIP from the signatory register, or dotted blanks to fill in by hand
 * when none is recorded.
 */
function signature(doc: Doc, spec: SignatureSpec): void {
  const width = SIGNATURE_WIDTH;
  const x = left(doc) + contentWidth(doc) - width;
  let y = doc.y + 12;
  if (spec.dateLine) {
    line(doc, spec.dateLine, x, y, { size: BODY_SIZE, align: 'center', width });
    y += 14;
  }
  for (const text of positionLines(doc, spec)) {
    line(doc, text, x, y, { size: BODY_SIZE, bold: true, align: 'center', width });
    y += LINE;
  }
  y += SIGN_ROOM;
  const s = spec.signatory;
  if (s) {
    setFont(doc, BODY_SIZE, true);
    const name = fit(doc, s.name, width);
    const nameWidth = doc.widthOfString(name);
    const nameX = x + (width - nameWidth) / 2;
    doc.text(name, nameX, y, { lineBreak: false });
    doc
      .save()
      .lineWidth(0.7)
      .strokeColor(INK)
      .moveTo(nameX, y + BODY_SIZE * 0.9)
      .lineTo(nameX + nameWidth, y + BODY_SIZE * 0.9)
      .stroke()
      .restore();
  } else line(doc, BLANK_NAME, x, y, { size: BODY_SIZE, align: 'center', width });
  y += LINE + 1;
  line(doc, fitAt(doc, s ? s.rank : 'Pangkat/golongan ..............................', width), x, y, { size: BODY_SIZE, align: 'center', width });
  y += LINE;
  line(doc, s ? `NIP. ${formatNip(s.nip)}` : 'NIP. ..............................', x, y, { size: BODY_SIZE, align: 'center', width });
  doc.x = left(doc);
  doc.y = y + 16;
}

/** The height of the closing: notes, sentence and signature. */
export function closingHeight(doc: Doc, spec: ClosingSpec): number {
  const notes = (spec.notes ?? []).reduce((sum, note) => sum + paragraphHeight(doc, note, { size: 8, gap: 3 }), 0);
  return 6 + notes + paragraphHeight(doc, spec.sentence) + signatureHeight(doc, spec.signature);
}

/**
 * The notes, the closing sentence and the signature, kept on one page; callers keep it with the content
 * before it (heading keepWith, table keepWithNext), so the last page never holds only the closing.
 */
export function closing(doc: Doc, spec: ClosingSpec): void {
  doc.y += 6;
  ensureSpace(doc, closingHeight(doc, spec) - 6);
  for (const note of spec.notes ?? []) paragraph(doc, note, { size: 8, gap: 3, align: 'justify' });
  paragraph(doc, spec.sentence, { align: 'justify' });
  signature(doc, spec.signature);
}

/** "Halaman X dari Y" on every page, written once all pages exist (the pages are buffered for this). */
export function numberPages(doc: Doc, footnote: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const y = doc.page.height - doc.page.margins.bottom + 24;
    const x = left(doc);
    const width = contentWidth(doc);
    doc
      .save()
      .lineWidth(0.4)
      .strokeColor(RULE)
      .moveTo(x, y - 6)
      .lineTo(x + width, y - 6)
      .stroke()
      .restore();
    line(doc, footnote, x, y, { size: 7, color: RULE });
    line(doc, `Halaman ${i - start + 1} dari ${count}`, x, y, { size: 7, align: 'right', width });
  }
}

const DAY = /(\d{4}-\d{2}-\d{2})$/;

/** An addendum as the changes record it: "473.3/100/IX/2024, 2026-09-15" (number, new end). */
function addendumOf(c: AgreementChangeSummary): { number: string; until: string | null } {
  const m = /^(.*), (\d{4}-\d{2}-\d{2})$/.exec(c.detail);
  return m ? { number: m[1]!, until: m[2]! } : { number: c.detail, until: null };
}

/**
 * The agreement as a reader checks it against the paper: the original term (both numbers, each named with
 * its party, never joined by a slash: both hold slashes), then each addendum on its own line with its number,
 * the day both parties had agreed to it and the new end, then the status.
 */
export function agreementLines(agreement: AgreementSummary | null, asOf: string): string[] {
  if (!agreement) return ['Dasar: Tidak ada perjanjian terdaftar.'];
  const sign = agreement.changes.find((c) => c.change === 'SIGN');
  const extensions = agreement.changes.filter((c) => c.change === 'EXTEND' && c.status === 'CONFIRMED');
  // The original end is in the signing's record; without extensions the current end is the original one.
  const originalUntil = (sign && DAY.exec(sign.detail)?.[1]) ?? (extensions.length === 0 ? agreement.validUntil : null);
  const term = originalUntil ? `berlaku ${formatPeriod(agreement.validFrom, originalUntil)}` : `berlaku mulai ${formatDate(agreement.validFrom)}`;
  const addenda = extensions.map((c, i) => {
    const a = addendumOf(c);
    const agreed = c.confirmedAt && c.proposedBy !== 'SEED' ? `, disepakati kedua pihak ${formatDate(c.confirmedAt)}` : '';
    return `Adendum ${i + 1}: Nomor ${a.number}${agreed}, masa berlaku diperpanjang s.d. ${a.until ? formatDate(a.until) : '-'}`;
  });
  // Addenda recorded before the changes were (no EXTEND entry): their numbers only.
  const recorded = new Set(extensions.map((c) => addendumOf(c).number));
  const older = agreement.addenda.filter((n) => !recorded.has(n)).map((n) => `Adendum: Nomor ${n}`);
  return [
    `Dasar: Perjanjian Kerja Sama antara Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar Nomor ${agreement.dukcapilNumber} dan Dinas Kesehatan Kabupaten Karanganyar Nomor ${agreement.dinkesNumber}, ditandatangani ${formatDate(agreement.signedOn)}, ${term}.`,
    ...(addenda.length + older.length > 0 ? [...older, ...addenda] : ['Adendum: tidak ada.']),
    `Status perjanjian per ${formatDate(asOf)}: ${agreementStatusLabel(agreement.status)} (berlaku s.d. ${formatDate(agreement.validUntil)}).`,
    // Who agreed to what, and when (Pasal 5, 10: changes by consent of both parties).
    ...(agreement.changes.length > 0 ? ['Persetujuan para pihak:', ...agreement.changes.map((c) => `- ${agreementChangeLine(c)}`)] : []),
  ];
}

/** The audit note: what the checkpoint is and how Disdukcapil checks it, in plain words. */
export function checkpointNote(checkpoint: LogCheckpointSummary): string {
  const size = formatNumber(checkpoint.treeSize);
  return (
    `Catatan audit: seluruh ${size} kejadian yang tercatat di gateway sampai saat data laporan ini, termasuk setiap akses yang dihitung di atas, ` +
    `tercatat dalam log audit yang ditandatangani secara elektronik (titik periksa: ukuran log ${size}, akar ${checkpoint.rootHash}). ` +
    `Disdukcapil dapat memeriksanya di konsol, menu Log audit, atau lewat GET /v1/audit/checkpoints (titik periksa ukuran ${checkpoint.treeSize}) ` +
    `dan GET /v1/audit/consistency?from=${checkpoint.treeSize}&to=<ukuran terbaru>, yang membuktikan bahwa tidak ada kejadian yang diubah atau dihapus sejak laporan ini.`
  );
}
