import {
  CHANNEL_LABELS,
  EVALUATION_KIND_LABELS,
  findingLabel,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatPeriod,
  obligationLabel,
  reportStatusLabel,
  semesterRoman,
} from './labels';
import type { BupatiSummary, EvaluationSummary } from './report-data';
import {
  agreementLines,
  checkpointLine,
  closing,
  createPdf,
  ensureSpace,
  finishPdf,
  heading,
  keyValues,
  letterhead,
  numberPages,
  paragraph,
  puskesmasTable,
  table,
  titleBlock,
  type Doc,
  type Office,
} from './pdf-blocks';
import { BUPATI_PDF } from './puskesmas-columns';

/**
 * Pasal 9 ayat (4): the summary Disdukcapil sends the Bupati. It is Disdukcapil's letter, so it carries
 * Disdukcapil's letterhead (same layout as the Dinkes report) and its head's signature. Meant to fit two pages.
 */

export const DISDUKCAPIL: Office = { name: 'DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL', address: 'Karanganyar, Jawa Tengah' };

/** The ranked table stops here; the full list is in the semester report and the workbook. */
const TOP_PUSKESMAS = 10;

const n = formatNumber;

export async function renderBupatiSummaryPdf(summary: BupatiSummary): Promise<Buffer> {
  const doc = createPdf({
    title: summary.title,
    author: 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar',
    subject: 'Ringkasan pemanfaatan data kependudukan oleh Dinas Kesehatan (Pasal 9 ayat (4) Perjanjian Kerja Sama)',
    asOf: summary.asOf,
  });
  letterhead(doc, DISDUKCAPIL);
  paragraph(doc, 'Kepada Yth. Bupati Karanganyar', { gap: 0 });
  paragraph(doc, 'di Karanganyar', { gap: 12 });
  titleBlock(doc, summary.title, [`Periode: ${formatPeriod(summary.periodFrom, summary.periodTo)}`, `Data per: ${formatDateTime(summary.asOf)}`]);
  paragraph(
    doc,
    'Sesuai Pasal 9 ayat (4) Perjanjian Kerja Sama antara Dinas Kependudukan dan Pencatatan Sipil dan Dinas Kesehatan Kabupaten Karanganyar, bersama ini kami sampaikan ringkasan pemanfaatan Nomor Induk Kependudukan (NIK), data kependudukan dan KTP-el oleh Dinas Kesehatan pada periode tersebut.',
    { align: 'justify' },
  );
  figuresSection(doc, summary);
  agreementSection(doc, summary);
  puskesmasSection(doc, summary);
  heading(doc, 'D. LAPORAN SEMESTER DINAS KESEHATAN', 20);
  paragraph(doc, reportStatusLabel(summary.report.dueOn, summary.report.submission), { indent: 12 });
  evaluationSection(doc, summary.evaluations);
  if (summary.logCheckpoint) {
    doc.y += 4;
    paragraph(doc, checkpointLine(summary.logCheckpoint), { size: 8 });
  }
  closing(
    doc,
    'Demikian ringkasan ini kami sampaikan, atas perhatian Bapak/Ibu Bupati kami ucapkan terima kasih.',
    `Karanganyar, ${formatDate(summary.asOf)}`,
    ['KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL', 'KABUPATEN KARANGANYAR'],
  );
  numberPages(doc, `Ringkasan Semester ${semesterRoman(summary.semester)} Tahun ${summary.year} untuk Bupati Karanganyar`);
  return finishPdf(doc);
}

function figuresSection(doc: Doc, s: BupatiSummary): void {
  heading(doc, 'A. ANGKA UTAMA');
  keyValues(doc, [
    { label: 'Jumlah akses data kependudukan', value: n(s.totals.total), bold: true },
    { label: `melalui ${CHANNEL_LABELS.WEB_PORTAL}`, value: n(s.totals.webPortal), indent: true },
    { label: `melalui ${CHANNEL_LABELS.CARD_READER}`, value: n(s.totals.cardReader), indent: true },
    { label: 'Pemegang KTP-el dari luar kabupaten', value: formatPercent(s.outOfRegencyShare) },
    { label: 'Data balikan terkirim / wajib', value: `${n(s.balikan.delivered)} / ${n(s.balikan.owed)}` },
    { label: 'Cakupan data balikan', value: formatPercent(s.balikan.coverage), bold: true },
    { label: 'Jumlah penolakan akses', value: n(s.refusalsTotal) },
  ]);
}

function agreementSection(doc: Doc, s: BupatiSummary): void {
  heading(doc, 'B. PERJANJIAN KERJA SAMA', 40);
  const lines = agreementLines(s.agreement, s.asOf);
  if (s.agreement && s.daysLeft !== null) lines.push(`Sisa masa berlaku: ${n(s.daysLeft)} hari`);
  for (const text of lines) paragraph(doc, text, { indent: 12, gap: 0 });
  doc.y += 4;
}

function puskesmasSection(doc: Doc, s: BupatiSummary): void {
  heading(doc, 'C. PUSKESMAS DENGAN PEMANFAATAN TERBANYAK');
  const top = s.perPuskesmas.slice(0, TOP_PUSKESMAS);
  puskesmasTable(doc, { columns: BUPATI_PDF, widths: [20, 0, 90, 70, 70], rows: top, empty: 'Tidak ada Puskesmas terdaftar.' });
  const rest = s.perPuskesmas.length - top.length;
  if (rest > 0) paragraph(doc, `Ditambah ${rest} Puskesmas lainnya; rincian lengkap dalam laporan semester Dinas Kesehatan.`, { size: 8, indent: 12 });
}

function evaluationSection(doc: Doc, evaluations: readonly EvaluationSummary[]): void {
  heading(doc, 'E. HASIL EVALUASI', 20);
  if (evaluations.length === 0) {
    paragraph(doc, 'Belum ada evaluasi pada periode ini.', { indent: 12 });
    return;
  }
  for (const evaluation of evaluations) {
    ensureSpace(doc, 100); // the evaluation's name stays with its first findings
    paragraph(doc, `Evaluasi ${EVALUATION_KIND_LABELS[evaluation.kind] ?? evaluation.kind}, ${formatDate(evaluation.recordedAt)}`, {
      bold: true,
      indent: 12,
      gap: 3,
    });
    table(doc, {
      columns: [
        { header: 'No', width: 20, align: 'right' },
        { header: 'Kewajiban', width: 0 },
        { header: 'Hasil', width: 70 },
        { header: 'Catatan', width: 150 },
      ],
      rows: evaluation.findings.map((f, i) => [String(i + 1), obligationLabel(f.obligation, f.label), findingLabel(f.finding), f.note ?? '-']),
      empty: 'Tidak ada temuan.',
    });
  }
}
