import { DEFAULT_LETTERHEADS, type Letterheads } from '../../../infrastructure/config/letterheads';
import {
  BALIKAN_LABELS,
  CHANNEL_LABELS,
  formatCoverage,
  formatDate,
  formatNumber,
  formatPeriod,
  formatShare,
  monthLabel,
  reasonLabel,
  semesterRoman,
} from './labels';
import {
  COLORS,
  agreementLines,
  checkpointNote,
  closing,
  closingHeight,
  createPdf,
  finishPdf,
  groupedBarChart,
  heading,
  keyValues,
  keyValuesHeight,
  letterhead,
  numberPages,
  paragraph,
  paragraphHeight,
  percentBarChart,
  puskesmasTable,
  table,
  tableOpening,
  titleBlock,
  type ClosingSpec,
  type Doc,
  type TableSpec,
} from './pdf-blocks';
import { puskesmasTableSpec } from './pdf-blocks';
import { SEMESTER_PDF_ACCESSES, SEMESTER_PDF_BALIKAN } from './puskesmas-columns';
import { cutOffLine, outOfRegencyLabel } from './labels';
import type { SemesterReport } from './report-data';

/**
 * The semester report of Pasal 9 ayat (1), Dinkes to Disdukcapil, on Dinkes' letterhead, signed by the
 * Kepala Dinas Kesehatan alone: it is Dinkes' own report to the other party, which receives it rather than
 * co-signs it ("Mengetahui" is for a superior who acknowledges, and Disdukcapil is not one).
 */

const n = formatNumber;

export async function renderSemesterReportPdf(report: SemesterReport, letterheads: Letterheads = DEFAULT_LETTERHEADS): Promise<Buffer> {
  const doc = createPdf({
    title: report.title,
    author: 'Dinas Kesehatan Kabupaten Karanganyar',
    subject: 'Laporan pemanfaatan NIK, data kependudukan dan KTP-el (Pasal 9 ayat (1) Perjanjian Kerja Sama)',
    renderedOn: report.renderedOn,
  });
  letterhead(doc, letterheads.dinkes, letterheads.logo);
  titleBlock(doc, report.title, [
    `Periode: ${formatPeriod(report.periodFrom, report.periodTo)}`,
    `Batas penyampaian: ${formatDate(report.dueOn)}`,
    cutOffLine(report.cutOff),
  ]);
  for (const text of agreementLines(report.agreement, report.asOf)) paragraph(doc, text, { gap: 0 });
  doc.y += 6;
  paragraph(
    doc,
    `Sesuai Pasal 9 ayat (1) Perjanjian Kerja Sama${report.agreement ? ' tersebut' : ''}, Dinas Kesehatan Kabupaten Karanganyar menyampaikan laporan pemanfaatan Nomor Induk Kependudukan (NIK), data kependudukan dan KTP-el oleh Puskesmas di wilayah Kabupaten Karanganyar sebagai berikut.`,
    { align: 'justify' },
  );
  summarySection(doc, report);
  puskesmasSection(doc, report);
  monthSection(doc, report);
  balikanSection(doc, report);
  refusalSection(doc, report);
  // The last section, the audit note, the closing and the signature stay together on the last page.
  // The submission's SHA-256 is the hash of this very document, so it cannot be printed in it.
  const end: ClosingSpec = {
    notes: report.logCheckpoint ? [checkpointNote(report.logCheckpoint)] : [],
    sentence: 'Demikian laporan ini kami sampaikan untuk dapat dipergunakan sebagaimana mestinya.',
    // Dated the day it is rendered (a late report is not back-dated to the period's end).
    signature: {
      dateLine: `Karanganyar, ${formatDate(report.renderedOn)}`,
      defaultPosition: ['KEPALA DINAS KESEHATAN', 'KABUPATEN KARANGANYAR'],
      signatory: report.signatories.dinkes,
    },
  };
  fingerprintSection(doc, report, closingHeight(doc, end));
  closing(doc, end);
  numberPages(doc, `Laporan Semester ${semesterRoman(report.semester)} Tahun ${report.year} - Dinas Kesehatan Kabupaten Karanganyar`);
  return finishPdf(doc);
}

function summarySection(doc: Doc, r: SemesterReport): void {
  heading(doc, 'I. RINGKASAN', keyValuesHeight(doc, 3));
  const t = r.totals;
  const refusals = r.refusals.reduce((sum, x) => sum + x.count, 0);
  keyValues(doc, [
    { label: 'Jumlah akses data kependudukan', value: n(t.total), bold: true },
    { label: `melalui ${CHANNEL_LABELS.WEB_PORTAL}`, value: n(t.webPortal), indent: true },
    { label: `melalui ${CHANNEL_LABELS.CARD_READER}`, value: n(t.cardReader), indent: true },
    // Two plain rows, so the wording holds whether or not `found` includes the deceased.
    { label: 'Data ditemukan', value: n(t.found) },
    { label: 'Data ditemukan, tercatat meninggal dunia', value: n(t.deceased) },
    { label: 'Data tidak ditemukan', value: n(t.notFound) },
    { label: 'Gagal (server Dukcapil menolak/tidak tersedia)', value: n(t.registryFailed) },
    { label: 'Verifikasi sidik jari tidak berhasil', value: n(t.fingerprintFailed) },
    { label: 'Akses untuk pemegang KTP-el dari luar kabupaten', value: n(t.outOfRegency) },
    { label: outOfRegencyLabel, value: formatShare(r.outOfRegencyShare, t.total) },
    { label: BALIKAN_LABELS.accessesOwingBalikan, value: n(r.balikan.accessesOwingBalikan) },
    { label: BALIKAN_LABELS.accessesWithBalikanSubmitted, value: n(r.balikan.accessesWithBalikanSubmitted) },
    { label: BALIKAN_LABELS.accessesWithBalikanDelivered, value: n(r.balikan.accessesWithBalikanDelivered) },
    { label: BALIKAN_LABELS.accessesWithBalikanOnlyAbandoned, value: n(r.balikan.accessesWithBalikanOnlyAbandoned) },
    { label: BALIKAN_LABELS.deliveredShareOfOwing, value: formatCoverage(r.balikan), bold: true },
    { label: 'Jumlah penolakan akses', value: n(refusals) },
  ]);
}

function puskesmasSection(doc: Doc, r: SemesterReport): void {
  const spec = {
    columns: SEMESTER_PDF_ACCESSES,
    widths: [20, 0, 78, 46, 46, 48, 50, 44],
    rows: r.perPuskesmas,
    totals: { accesses: r.totals, balikan: r.balikan },
    empty: 'Tidak ada Puskesmas terdaftar.',
  };
  heading(doc, 'II. PEMANFAATAN PER PUSKESMAS', tableOpening(doc, puskesmasTableSpec(spec)));
  puskesmasTable(doc, spec);
}

function monthSection(doc: Doc, r: SemesterReport): void {
  const t = r.totals;
  const spec: TableSpec = {
    columns: [
      { header: 'Bulan', width: 0 },
      { header: CHANNEL_LABELS.WEB_PORTAL, width: 100, align: 'right' },
      { header: CHANNEL_LABELS.CARD_READER, width: 100, align: 'right' },
      { header: 'Jumlah', width: 100, align: 'right' },
    ],
    rows: r.perMonth.map((m) => [monthLabel(m.month), n(m.accesses.webPortal), n(m.accesses.cardReader), n(m.accesses.total)]),
    total: ['JUMLAH', n(t.webPortal), n(t.cardReader), n(t.total)],
    empty: 'Tidak ada data bulanan.',
  };
  heading(doc, 'III. PEMANFAATAN PER BULAN', tableOpening(doc, spec));
  table(doc, spec);
  if (r.perMonth.length === 0) return;
  groupedBarChart(doc, {
    title: 'Pemanfaatan bulanan per kanal',
    categories: r.perMonth.map((m) => monthLabel(m.month)),
    series: [
      { name: CHANNEL_LABELS.WEB_PORTAL, color: COLORS.webPortal, values: r.perMonth.map((m) => m.accesses.webPortal) },
      { name: CHANNEL_LABELS.CARD_READER, color: COLORS.cardReader, values: r.perMonth.map((m) => m.accesses.cardReader) },
    ],
  });
}

function balikanSection(doc: Doc, r: SemesterReport): void {
  const spec = {
    columns: SEMESTER_PDF_BALIKAN,
    widths: [20, 0, 52, 52, 52, 62, 50],
    rows: r.perPuskesmas,
    totals: { accesses: r.totals, balikan: r.balikan },
    empty: 'Tidak ada Puskesmas terdaftar.',
  };
  heading(doc, 'IV. DATA BALIKAN', tableOpening(doc, puskesmasTableSpec(spec)));
  puskesmasTable(doc, spec);
  if (r.perPuskesmas.length === 0) return;
  percentBarChart(doc, {
    title: 'Cakupan data balikan per Puskesmas',
    // Nothing owed, nothing to cover: such a Puskesmas has no bar (its row says "–").
    items: r.perPuskesmas.filter((p) => p.balikan.accessesOwingBalikan > 0).map((p) => ({ label: p.name, share: p.balikan.deliveredShareOfOwing })),
    color: COLORS.balikan,
  });
}

function refusalSection(doc: Doc, r: SemesterReport): void {
  if (r.refusals.length === 0) {
    const none = 'Tidak ada penolakan akses pada periode ini.';
    heading(doc, 'V. PENOLAKAN AKSES MENURUT ALASAN', paragraphHeight(doc, none, { indent: 12 }));
    paragraph(doc, none, { indent: 12 });
    return;
  }
  const spec: TableSpec = {
    columns: [
      { header: 'No', width: 20, align: 'right' },
      { header: 'Alasan penolakan', width: 0 },
      { header: 'Jumlah', width: 70, align: 'right' },
    ],
    rows: r.refusals.map((x, i) => [String(i + 1), reasonLabel(x.reason, x.label), n(x.count)]),
    total: ['', 'JUMLAH', n(r.refusals.reduce((sum, x) => sum + x.count, 0))],
  };
  heading(doc, 'V. PENOLAKAN AKSES MENURUT ALASAN', tableOpening(doc, spec));
  table(doc, spec);
}

/** The last section; `keepWith` is the closing's height, so the closing never stands alone on a page. */
function fingerprintSection(doc: Doc, r: SemesterReport, keepWith: number): void {
  heading(doc, 'VI. VERIFIKASI SIDIK JARI (CARD READER KTP-EL)', keyValuesHeight(doc, 4) + keepWith);
  const f = r.fingerprint;
  keyValues(doc, [
    { label: 'Sidik jari cocok', value: n(f.matched) },
    { label: 'Sidik jari tidak cocok', value: n(f.notMatched) },
    { label: 'Sidik jari tidak diverifikasi', value: n(f.notPerformed) },
    { label: 'Jumlah pembacaan KTP-el', value: n(f.matched + f.notMatched + f.notPerformed), bold: true },
  ]);
}
