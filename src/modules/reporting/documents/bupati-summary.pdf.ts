import { DEFAULT_LETTERHEADS, type Letterheads } from '../../../infrastructure/config/letterheads';
import {
  BALIKAN_LABELS,
  CHANNEL_LABELS,
  EVALUATION_KIND_LABELS,
  cutOffLine,
  findingLabel,
  formatCoverage,
  formatDate,
  formatNumber,
  formatPeriod,
  formatShare,
  obligationLabel,
  outOfRegencyLabel,
  reportStatusLabel,
  semesterRoman,
} from './labels';
import type { BupatiSummary, EvaluationSummary, PuskesmasRow } from './report-data';
import {
  agreementLines,
  checkpointNote,
  closing,
  closingHeight,
  createPdf,
  finishPdf,
  heading,
  keyValues,
  keyValuesHeight,
  letterDetails,
  letterhead,
  numberPages,
  paragraph,
  paragraphHeight,
  puskesmasTable,
  puskesmasTableSpec,
  table,
  tableOpening,
  titleBlock,
  type ClosingSpec,
  type Doc,
  type TableSpec,
} from './pdf-blocks';
import { BUPATI_PDF } from './puskesmas-columns';

/**
 * Pasal 9 ayat (4): the summary Disdukcapil sends the Bupati. It is Disdukcapil's letter (surat dinas, Tata
 * Naskah Dinas of Permendagri 1/2023): Disdukcapil's letterhead, place and date, Nomor, Sifat, Lampiran and
 * Hal, the addressee, and its head's signature. Until Disdukcapil issues it with its number it is a draft,
 * marked so on every page. Meant to fit two pages.
 */

/** The ranked table stops here (ties with the last place included); the full list is in the workbook. */
const TOP_PUSKESMAS = 10;

const n = formatNumber;

/** The first `count` Puskesmas by accesses, and every one tied with the last of them. */
export function topPuskesmas(ranked: readonly PuskesmasRow[], count = TOP_PUSKESMAS): { top: PuskesmasRow[]; tiedAtLast: number } {
  if (ranked.length <= count) return { top: [...ranked], tiedAtLast: 0 };
  const last = ranked[count - 1]!.accesses.total;
  let end = count;
  while (end < ranked.length && ranked[end]!.accesses.total === last) end++;
  const tiedAtLast = end > count ? ranked.filter((p) => p.accesses.total === last).length : 0;
  return { top: ranked.slice(0, end), tiedAtLast };
}

export async function renderBupatiSummaryPdf(summary: BupatiSummary, letterheads: Letterheads = DEFAULT_LETTERHEADS): Promise<Buffer> {
  const draft = summary.letter === null;
  const doc = createPdf({
    title: draft ? `DRAF - ${summary.title}` : summary.title,
    author: 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar',
    subject: 'Ringkasan pemanfaatan data kependudukan oleh Dinas Kesehatan (Pasal 9 ayat (4) Perjanjian Kerja Sama)',
    renderedOn: summary.renderedOn,
  });
  letterhead(doc, letterheads.disdukcapil, letterheads.logo);
  // An issued letter is dated the day it was issued; a draft the day it is rendered.
  letterDetails(doc, {
    dateLine: `Karanganyar, ${formatDate(summary.letter?.issuedOn ?? summary.renderedOn)}`,
    number: summary.letter?.number ?? null,
    nature: 'Biasa',
    attachment: '-',
    subject: `Ringkasan Pemanfaatan Data Kependudukan oleh Dinas Kesehatan Semester ${semesterRoman(summary.semester)} Tahun ${summary.year}`,
    addressee: ['Yth. Bupati Karanganyar', 'di', 'KARANGANYAR'],
  });
  titleBlock(doc, summary.title, [`Periode: ${formatPeriod(summary.periodFrom, summary.periodTo)}`, cutOffLine(summary.cutOff)]);
  paragraph(
    doc,
    'Sesuai Pasal 9 ayat (4) Perjanjian Kerja Sama antara Dinas Kependudukan dan Pencatatan Sipil dan Dinas Kesehatan Kabupaten Karanganyar, bersama ini kami sampaikan ringkasan pemanfaatan Nomor Induk Kependudukan (NIK), data kependudukan dan KTP-el oleh Dinas Kesehatan pada periode tersebut.',
    { align: 'justify' },
  );
  figuresSection(doc, summary);
  agreementSection(doc, summary);
  puskesmasSection(doc, summary);
  const status = reportStatusLabel(summary.report.dueOn, summary.report.submission);
  heading(doc, 'D. LAPORAN SEMESTER DINAS KESEHATAN', paragraphHeight(doc, status, { indent: 12 }));
  paragraph(doc, status, { indent: 12 });
  const end: ClosingSpec = {
    notes: summary.logCheckpoint ? [checkpointNote(summary.logCheckpoint)] : [],
    sentence: 'Demikian ringkasan ini kami sampaikan, atas perhatian Bapak/Ibu Bupati kami ucapkan terima kasih.',
    signature: {
      defaultPosition: ['KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL', 'KABUPATEN KARANGANYAR'],
      signatory: summary.signatories.disdukcapil,
    },
  };
  evaluationSection(doc, summary.evaluations, closingHeight(doc, end));
  closing(doc, end);
  const footnote = `Ringkasan Semester ${semesterRoman(summary.semester)} Tahun ${summary.year} untuk Bupati Karanganyar`;
  numberPages(doc, draft ? `DRAF, belum bernomor: jangan dikirim - ${footnote}` : footnote);
  return finishPdf(doc);
}

function figuresSection(doc: Doc, s: BupatiSummary): void {
  heading(doc, 'A. ANGKA UTAMA', keyValuesHeight(doc, 3));
  keyValues(doc, [
    { label: 'Jumlah akses data kependudukan', value: n(s.totals.total), bold: true },
    { label: `melalui ${CHANNEL_LABELS.WEB_PORTAL}`, value: n(s.totals.webPortal), indent: true },
    { label: `melalui ${CHANNEL_LABELS.CARD_READER}`, value: n(s.totals.cardReader), indent: true },
    { label: outOfRegencyLabel, value: formatShare(s.outOfRegencyShare, s.totals.total) },
    {
      label: 'Akses dengan balikan terkirim / akses wajib balikan',
      value: `${n(s.balikan.accessesWithBalikanDelivered)} / ${n(s.balikan.accessesOwingBalikan)}`,
    },
    { label: BALIKAN_LABELS.deliveredShareOfOwing, value: formatCoverage(s.balikan), bold: true },
    { label: 'Jumlah penolakan akses', value: n(s.refusalsTotal) },
  ]);
}

function agreementSection(doc: Doc, s: BupatiSummary): void {
  const lines = agreementLines(s.agreement, s.asOf);
  if (s.agreement && s.daysLeft !== null) lines.push(`Sisa masa berlaku: ${n(s.daysLeft)} hari`);
  heading(
    doc,
    'B. PERJANJIAN KERJA SAMA',
    paragraphHeight(doc, lines[0]!, { indent: 12, gap: 0 }) + (lines[1] ? paragraphHeight(doc, lines[1], { indent: 12, gap: 0 }) : 0),
  );
  for (const text of lines) paragraph(doc, text, { indent: 12, gap: 0 });
  doc.y += 4;
}

function puskesmasSection(doc: Doc, s: BupatiSummary): void {
  const { top, tiedAtLast } = topPuskesmas(s.perPuskesmas);
  const spec = { columns: BUPATI_PDF, widths: [20, 0, 90, 70, 70], rows: top, empty: 'Tidak ada Puskesmas terdaftar.' };
  heading(doc, 'C. PUSKESMAS DENGAN PEMANFAATAN TERBANYAK', tableOpening(doc, puskesmasTableSpec(spec)));
  puskesmasTable(doc, spec);
  const last = top[top.length - 1];
  if (tiedAtLast > 0 && last)
    paragraph(
      doc,
      `Peringkat ke-${TOP_PUSKESMAS} ditempati bersama oleh ${tiedAtLast} Puskesmas dengan ${n(last.accesses.total)} akses; semuanya dicantumkan.`,
      {
        size: 8,
        indent: 12,
      },
    );
  const rest = s.perPuskesmas.length - top.length;
  if (rest > 0) paragraph(doc, `Ditambah ${rest} Puskesmas lainnya; rincian lengkap dalam laporan semester Dinas Kesehatan.`, { size: 8, indent: 12 });
}

function evaluationTable(evaluation: EvaluationSummary, keepWithNext?: number): TableSpec {
  return {
    columns: [
      { header: 'No', width: 20, align: 'right' },
      { header: 'Kewajiban', width: 0 },
      { header: 'Hasil', width: 70 },
      { header: 'Catatan', width: 150 },
    ],
    rows: evaluation.findings.map((f, i) => [String(i + 1), obligationLabel(f.obligation, f.label), findingLabel(f.finding), f.note ?? '-']),
    empty: 'Tidak ada temuan.',
    ...(keepWithNext !== undefined ? { keepWithNext } : {}),
  };
}

const evaluationTitle = (e: EvaluationSummary) => `Evaluasi ${EVALUATION_KIND_LABELS[e.kind] ?? e.kind}, ${formatDate(e.recordedAt)}`;

/** The last section; `closing` is the closing's height, kept with the last findings. */
function evaluationSection(doc: Doc, evaluations: readonly EvaluationSummary[], closing: number): void {
  const title = (e: EvaluationSummary) => paragraphHeight(doc, evaluationTitle(e), { bold: true, indent: 12, gap: 3 });
  const first = evaluations[0];
  if (!first) {
    const none = 'Belum ada evaluasi pada periode ini.';
    heading(doc, 'E. HASIL EVALUASI', paragraphHeight(doc, none, { indent: 12 }) + closing);
    paragraph(doc, none, { indent: 12 });
    return;
  }
  heading(doc, 'E. HASIL EVALUASI', title(first) + tableOpening(doc, evaluationTable(first)));
  evaluations.forEach((evaluation, i) => {
    const last = i === evaluations.length - 1;
    const spec = evaluationTable(evaluation, last ? closing : undefined);
    // The evaluation's name stays with its first findings (ensured by the heading for the first one).
    if (i > 0) {
      doc.y += 2;
      if (doc.y + title(evaluation) + tableOpening(doc, spec) > doc.page.height - doc.page.margins.bottom) doc.addPage();
    }
    paragraph(doc, evaluationTitle(evaluation), { bold: true, indent: 12, gap: 3 });
    table(doc, spec);
  });
}
