import PDFDocument from 'pdfkit';
import { agreementChangeLine, agreementStatusLabel, formatDate, formatNumber, formatPercent, formatPeriod } from './labels';
import { NAME, puskesmasRows, totalsRow, type PuskesmasColumn } from './puskesmas-columns';
import type { AccessCounts, AgreementSummary, BalikanCounts, PuskesmasRow } from './report-data';

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
export const COLORS = { webPortal: '#2f5597', cardReader: '#c55a11', balikan: '#548235' } as const;

const MARGINS = { top: 50, bottom: 64, left: 64, right: 50 };
const BODY_SIZE = 9.5;
const TABLE_SIZE = 8;
const CELL_PAD_X = 3;
const CELL_PAD_Y = 2.5;

// ---------------------------------------------------------------------------------------------------------------
// Document and page

export interface PdfMeta {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  /** The data's `asOf`: creation and modification date, so equal data gives equal bytes. */
  readonly asOf: string;
}

/**
 * pdfkit computes the trailer /ID once, in the constructor, as an MD5 of the info dictionary (CreationDate
 * included). Passing fixed dates and strings here, not assigning `doc.info` later, makes the /ID a function of
 * the data. Nothing else in pdfkit is random unless encryption is asked for, and it is not.
 */
export function createPdf(meta: PdfMeta): Doc {
  const date = new Date(meta.asOf);
  if (Number.isNaN(date.getTime())) throw new RangeError(`asOf is not an instant: ${meta.asOf}`);
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

export interface Office {
  readonly name: string;
  readonly address: string;
}

/** Kop surat: government, office, address, and the double rule under them. */
export function letterhead(doc: Doc, office: Office): void {
  const x = left(doc);
  const width = contentWidth(doc);
  let y = doc.page.margins.top;
  line(doc, 'PEMERINTAH KABUPATEN KARANGANYAR', x, y, { size: 13, bold: true, align: 'center', width });
  y += 17;
  line(doc, office.name, x, y, { size: 15, bold: true, align: 'center', width });
  y += 20;
  line(doc, office.address, x, y, { size: 9, align: 'center', width });
  y += 15;
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
  doc.y = y + 16;
}

/** The title in bold capitals, centred, followed by centred lines such as the period. */
export function titleBlock(doc: Doc, title: string, lines: readonly string[]): void {
  setFont(doc, 11.5, true);
  doc.text(title, left(doc), doc.y, { width: contentWidth(doc), align: 'center' });
  doc.y += 4;
  for (const text of lines) paragraph(doc, text, { align: 'center', gap: 0 });
  doc.y += 10;
}

/** A numbered section heading, kept on the same page as the first `keepWith` points that follow it. */
export function heading(doc: Doc, text: string, keepWith = 60): void {
  doc.y += 6;
  ensureSpace(doc, 18 + keepWith);
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

/** "Label : value" lines as in an official letter; values right-aligned so digits line up. */
export function keyValues(doc: Doc, rows: readonly KeyValue[]): void {
  const x = left(doc) + 12;
  const labelWidth = 270;
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
}

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

/** A ruled table; rows that do not fit go to the next page under a repeated header row. */
export function table(doc: Doc, spec: TableSpec): void {
  if (spec.rows.length === 0 && spec.empty) {
    paragraph(doc, spec.empty, { indent: 12 });
    return;
  }
  const widths = columnWidths(doc, spec.columns);
  const headers = spec.columns.map((c) => c.header);
  const headerStyle: RowStyle = { bold: true, fill: HEADER_FILL, headerAlign: true };
  const body: { cells: readonly string[]; style: RowStyle }[] = spec.rows.map((cells) => ({ cells, style: { bold: false } }));
  if (spec.total) body.push({ cells: spec.total, style: { bold: true, fill: TOTAL_FILL } });

  // The header stays with the first rows (up to three): no header alone at the foot of a page.
  const headerHeight = rowHeight(doc, headers, widths, true);
  const opening = body.slice(0, 3).reduce((sum, row) => sum + rowHeight(doc, row.cells, widths, row.style.bold), 0);
  ensureSpace(doc, headerHeight + opening);
  let y = doc.y;
  y += drawRow(doc, spec.columns, widths, headers, y, headerStyle);
  for (const { cells, style } of body) {
    if (y + rowHeight(doc, cells, widths, style.bold) > bottom(doc)) {
      doc.addPage();
      y = doc.y;
      y += drawRow(doc, spec.columns, widths, headers, y, headerStyle);
    }
    y += drawRow(doc, spec.columns, widths, cells, y, style);
  }
  doc.x = left(doc);
  doc.y = y + 8;
}

/** A number as the PDF prints it: counts with a thousands dot, shares as percentages, places as they are. */
function printed(kind: PuskesmasColumn['kind'], value: string | number): string {
  if (typeof value !== 'number' || kind === 'place') return String(value);
  return kind === 'percent' ? formatPercent(value) : formatNumber(value);
}

/**
 * A table of Puskesmas with one of the column lists of puskesmas-columns.ts: `widths` in points, one per column
 * (0 = what the others leave); figures right-aligned; with `totals`, a JUMLAH row from the report's totals.
 */
export function puskesmasTable(
  doc: Doc,
  spec: {
    columns: readonly PuskesmasColumn[];
    widths: readonly number[];
    rows: readonly PuskesmasRow[];
    totals?: { readonly accesses: AccessCounts; readonly balikan: BalikanCounts };
    empty: string;
  },
): void {
  if (spec.widths.length !== spec.columns.length) throw new RangeError(`${spec.columns.length} columns, ${spec.widths.length} widths`);
  const kinds = spec.columns.map((c) => c.kind);
  const print = (values: readonly (string | number)[]) => values.map((value, i) => printed(kinds[i] ?? 'text', value));
  table(doc, {
    columns: spec.columns.map((c, i): Column =>
      c.kind === 'text' ? { header: c.header, width: spec.widths[i] ?? 0 } : { header: c.header, width: spec.widths[i] ?? 0, align: 'right' },
    ),
    rows: puskesmasRows(spec.columns, spec.rows).map(print),
    ...(spec.totals ? { total: print(totalsRow(spec.columns, spec.totals, { text: 'JUMLAH', in: NAME, blank: '' })) } : {}),
    empty: spec.empty,
  });
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

const SIGNATURE_HEIGHT = 130;

/**
 * The closing sentence and the signature block on the right half (place and date, office, room to sign, name
 * and NIP to fill in), kept on one page so a signature never stands alone.
 */
export function closing(doc: Doc, sentence: string, place: string, office: readonly string[]): void {
  setFont(doc, BODY_SIZE);
  doc.y += 6;
  ensureSpace(doc, doc.heightOfString(sentence, { width: contentWidth(doc) }) + 14 + SIGNATURE_HEIGHT);
  paragraph(doc, sentence, { align: 'justify' });
  setFont(doc, BODY_SIZE, true);
  const width = Math.min(contentWidth(doc), Math.max(230, ...office.map((text) => doc.widthOfString(text) + 8)));
  const x = left(doc) + contentWidth(doc) - width;
  let y = doc.y + 12;
  line(doc, place, x, y, { size: BODY_SIZE, align: 'center', width });
  y += 14;
  for (const text of office) {
    line(doc, text, x, y, { size: BODY_SIZE, bold: true, align: 'center', width });
    y += 13;
  }
  y += 52;
  line(doc, '(..............................)', x, y, { size: BODY_SIZE, align: 'center', width });
  y += 13;
  line(doc, 'NIP. ..............................', x, y, { size: BODY_SIZE, align: 'center', width });
  doc.x = left(doc);
  doc.y = y + 16;
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

/** "Perjanjian Kerja Sama Nomor 473.3/... / 440/..." with its dates, addenda and status. */
export function agreementLines(agreement: AgreementSummary | null, asOf: string): string[] {
  if (!agreement) return ['Dasar: Tidak ada perjanjian terdaftar.'];
  const addenda = agreement.addenda.length > 0 ? agreement.addenda.join('; ') : 'tidak ada';
  return [
    `Dasar: Perjanjian Kerja Sama Nomor ${agreement.dukcapilNumber} / ${agreement.dinkesNumber}`,
    `ditandatangani ${formatDate(agreement.signedOn)}, berlaku ${formatPeriod(agreement.validFrom, agreement.validUntil)}`,
    `Adendum: ${addenda}`,
    `Status perjanjian per ${formatDate(asOf)}: ${agreementStatusLabel(agreement.status)}`,
    // Who agreed to what, and when (Pasal 5, 10: changes by consent of both parties).
    ...(agreement.changes.length > 0 ? ['Persetujuan para pihak:', ...agreement.changes.map((c) => `- ${agreementChangeLine(c)}`)] : []),
  ];
}

export function checkpointLine(checkpoint: { readonly treeSize: number; readonly rootHash: string }): string {
  return `Catatan audit: ukuran log ${formatNumber(checkpoint.treeSize)}, akar ${checkpoint.rootHash}`;
}
