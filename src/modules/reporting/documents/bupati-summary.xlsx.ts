import {
  CHANNEL_LABELS,
  EVALUATION_KIND_LABELS,
  DASH,
  agreementNumbers,
  BALIKAN_LABELS,
  agreementStatusLabel,
  cutOffLine,
  findingLabel,
  formatDate,
  formatPeriod,
  obligationLabel,
  outOfRegencyLabel,
  reportStatusLabel,
} from './labels';
import type { BupatiSummary } from './report-data';
import { BUPATI_SHEET } from './puskesmas-columns';
import { addSheet, createWorkbook, headerRow, labelValueRows, puskesmasSheet, tableSheet, titleRow, workbookBuffer } from './xlsx-blocks';

/*
 * The Bupati summary as a workbook (sheet conventions in xlsx-blocks.ts).
 *
 * Sheet "Ringkasan" (label in column A, value in column B; rows fixed):
 *   A1:B1 title (merged)
 *   B2  kepada ("Bupati Karanganyar")           B7  sisa masa berlaku in days (number; empty when unknown)
 *   B3  periode (text)                          B8  laporan semester: status sentence (text)
 *   B4  data per (text, WIB)                    B9  batas penyampaian laporan (text)
 *   B5  perjanjian "dukcapil / dinkes"          A10:B10 header "Uraian" | "Nilai"
 *   B6  status perjanjian (text)
 *   B11 jumlah akses        B12 Web Portal      B13 Card Reader     B14 akses pemegang KTP-el luar kabupaten
 *   B15 pangsa luar kabupaten ('0.0%')          B16 akses wajib balikan   B17 akses balikan terkirim
 *   B18 cakupan balikan ('0.0%')                B19 jumlah penolakan
 *   B20 ukuran log audit, B21 akar log audit (empty without a checkpoint)
 *   B22 nomor surat ("…/…/… (DRAF)" until issued), B23 tanggal surat (issued on, or the rendering day)
 *   B15 and B18 hold "–" when the whole is 0.
 * Sheet "Puskesmas": every Puskesmas in the summary's (ranked) order: A Peringkat, B Kode, C Puskesmas,
 *   D Kecamatan, E Web Portal, F Card Reader, G Jumlah akses, H Akses wajib balikan, I Akses balikan terkirim, J Cakupan.
 * Sheet "Evaluasi": one row per finding: A Tanggal, B Jenis, C Kewajiban, D Hasil, E Catatan.
 */

export async function renderBupatiSummaryXlsx(summary: BupatiSummary): Promise<Buffer> {
  const workbook = createWorkbook(summary.renderedOn, 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar', summary.title);
  const s = summary;
  const sheet = addSheet(workbook, 'Ringkasan', [46, 60]);
  titleRow(sheet, s.title, 2);
  const a = s.agreement;
  labelValueRows(sheet, 2, [
    ['Kepada Yth.', 'Bupati Karanganyar'],
    ['Periode', formatPeriod(s.periodFrom, s.periodTo)],
    ['Data per', cutOffLine(s.cutOff).replace('Data per: ', '')],
    ['Perjanjian Kerja Sama', a ? agreementNumbers(a) : 'Tidak ada perjanjian terdaftar'],
    ['Status perjanjian', a ? agreementStatusLabel(a.status) : '-'],
    ['Sisa masa berlaku (hari)', s.daysLeft, 'count'],
    ['Laporan semester Dinas Kesehatan', reportStatusLabel(s.report.dueOn, s.report.submission)],
    ['Batas penyampaian laporan', formatDate(s.report.dueOn)],
  ]);
  headerRow(sheet, 10, ['Uraian', 'Nilai']);
  labelValueRows(sheet, 11, [
    ['Jumlah akses data kependudukan', s.totals.total, 'count'],
    [CHANNEL_LABELS.WEB_PORTAL, s.totals.webPortal, 'count'],
    [CHANNEL_LABELS.CARD_READER, s.totals.cardReader, 'count'],
    ['Akses untuk pemegang KTP-el dari luar kabupaten', s.totals.outOfRegency, 'count'],
    [outOfRegencyLabel, s.totals.total === 0 ? DASH : s.outOfRegencyShare, 'percent'],
    [BALIKAN_LABELS.accessesOwingBalikan, s.balikan.accessesOwingBalikan, 'count'],
    [BALIKAN_LABELS.accessesWithBalikanDelivered, s.balikan.accessesWithBalikanDelivered, 'count'],
    [BALIKAN_LABELS.deliveredShareOfOwing, s.balikan.accessesOwingBalikan === 0 ? DASH : s.balikan.deliveredShareOfOwing, 'percent'],
    ['Jumlah penolakan akses', s.refusalsTotal, 'count'],
    ['Ukuran log audit', s.logCheckpoint?.treeSize ?? null, 'count'],
    ['Akar log audit', s.logCheckpoint?.rootHash ?? null],
    ['Nomor surat', s.letter ? s.letter.number : '\u2026/\u2026/\u2026 (DRAF, belum bernomor)'],
    ['Tanggal surat', formatDate(s.letter?.issuedOn ?? s.renderedOn)],
  ]);

  puskesmasSheet(workbook, {
    name: 'Puskesmas',
    title: `PUSKESMAS MENURUT JUMLAH AKSES - ${s.title}`,
    landscape: true,
    columns: BUPATI_SHEET,
    widths: [10, 14, 32, 16, 13, 13, 13, 13, 13, 12],
    rows: s.perPuskesmas,
  });

  tableSheet(workbook, {
    name: 'Evaluasi',
    title: `HASIL EVALUASI - ${s.title}`,
    landscape: true,
    columns: [
      { header: 'Tanggal', width: 18 },
      { header: 'Jenis', width: 12 },
      { header: 'Kewajiban', width: 60 },
      { header: 'Hasil', width: 16 },
      { header: 'Catatan', width: 50 },
    ],
    rows: s.evaluations.flatMap((e) =>
      e.findings.map((f) => [
        formatDate(e.recordedAt),
        EVALUATION_KIND_LABELS[e.kind] ?? e.kind,
        obligationLabel(f.obligation, f.label),
        findingLabel(f.finding),
        f.note ?? '',
      ]),
    ),
  });
  return workbookBuffer(workbook);
}
