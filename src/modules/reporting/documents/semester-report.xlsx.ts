import type { Workbook } from 'exceljs';
import {
  AGREEMENT_CHANGE_LABELS,
  CHANNEL_LABELS,
  actorLabel,
  agreementChangeDetail,
  DASH,
  agreementNumbers,
  BALIKAN_LABELS,
  agreementStatusLabel,
  cutOffLine,
  formatDate,
  formatDateTime,
  formatPeriod,
  monthLabel,
  outOfRegencyLabel,
  reasonLabel,
} from './labels';
import { SEMESTER_SHEET, SEMESTER_SHEET_BALIKAN } from './puskesmas-columns';
import type { SemesterReport } from './report-data';
import { addSheet, createWorkbook, headerRow, labelValueRows, puskesmasSheet, tableSheet, titleRow, workbookBuffer, type SheetColumn } from './xlsx-blocks';

/*
 * The semester report as a workbook (sheet conventions and number formats in xlsx-blocks.ts).
 *
 * Sheet "Ringkasan" (label in column A, value in column B; rows fixed):
 *   A1:B1 title (merged)
 *   B2  periode (text)                          B5  perjanjian: "Disdukcapil Nomor … dan Dinkes Nomor …" or "Tidak ada perjanjian terdaftar"
 *   B3  batas penyampaian (text)                B6  status perjanjian (text, "-" without an agreement)
 *   B4  data per (text, WIB: the cut-off)       A7:B7 header "Uraian" | "Nilai"
 *   B8  jumlah akses (totals.total)             B16 akses pemegang KTP-el luar kabupaten (totals.outOfRegency)
 *   B9  Web Portal (totals.webPortal)           B17 pangsa luar kabupaten (outOfRegencyShare, 0..1, '0.0%')
 *   B10 Card Reader (totals.cardReader)         B18 akses wajib balikan (balikan.accessesOwingBalikan); B17 and B22 hold "–" when the whole is 0
 *   B11 ditemukan (totals.found)                B19 akses balikan dikirim (balikan.accessesWithBalikanSubmitted)
 *   B12 meninggal (totals.deceased)             B20 akses balikan terkirim (balikan.accessesWithBalikanDelivered)
 *   B13 tidak ditemukan (totals.notFound)       B21 akses balikan gagal/ditinggalkan (balikan.accessesWithBalikanOnlyAbandoned)
 *   B14 gagal registry (totals.registryFailed)  B22 cakupan balikan (balikan.deliveredShareOfOwing, 0..1, '0.0%')
 *   B15 sidik jari gagal (totals.fingerprintFailed)
 *   B23 jumlah penolakan (sum of refusals)      B24 ukuran log audit, B25 akar log audit (empty without a checkpoint)
 *   B26 tanggal dokumen (renderedOn, text)
 *
 * Sheet "Per Puskesmas": A1:R1 title, row 2 header, one row per Puskesmas from row 3 in report order, then a
 *   JUMLAH row (report totals). Columns: A No, B Kode, C Puskesmas, D Kecamatan, E Web Portal, F Card Reader,
 *   G Jumlah, H Ditemukan, I Meninggal, J Tidak ditemukan, K Gagal registry, L Sidik jari gagal (H to L add up
 *   to G), M Luar kabupaten, N Akses wajib balikan, O Akses balikan dikirim, P Akses balikan terkirim,
 *   Q Akses balikan ditinggalkan, R Cakupan balikan ('0.0%', "–" where no access owes a balikan).
 * Sheets "Per Bulan", "Data Balikan", "Penolakan", "Sidik Jari": title in row 1, header in row 2, data from row 3,
 *   then a JUMLAH row.
 * Sheet "Perjanjian": the agreement's changes, one a row from row 3: A No, B Perubahan, C Rincian, D Status,
 *   E Diusulkan oleh, F Diusulkan pada, G Dikonfirmasi/ditolak oleh, H Dikonfirmasi/ditolak pada (WIB).
 *
 */

export async function renderSemesterReportXlsx(report: SemesterReport): Promise<Buffer> {
  const workbook = createWorkbook(report.renderedOn, 'Dinas Kesehatan Kabupaten Karanganyar', report.title);
  summarySheet(workbook, report);
  perPuskesmasSheet(workbook, report);
  monthSheet(workbook, report);
  balikanSheet(workbook, report);
  refusalSheet(workbook, report);
  fingerprintSheet(workbook, report);
  agreementSheet(workbook, report);
  return workbookBuffer(workbook);
}

function summarySheet(workbook: Workbook, r: SemesterReport): void {
  const sheet = addSheet(workbook, 'Ringkasan', [52, 34]);
  titleRow(sheet, r.title, 2);
  const a = r.agreement;
  labelValueRows(sheet, 2, [
    ['Periode', formatPeriod(r.periodFrom, r.periodTo)],
    ['Batas penyampaian', formatDate(r.dueOn)],
    ['Data per', cutOffLine(r.cutOff).replace('Data per: ', '')],
    ['Perjanjian Kerja Sama', a ? agreementNumbers(a) : 'Tidak ada perjanjian terdaftar'],
    ['Status perjanjian', a ? agreementStatusLabel(a.status) : '-'],
  ]);
  headerRow(sheet, 7, ['Uraian', 'Nilai']);
  const t = r.totals;
  const b = r.balikan;
  labelValueRows(sheet, 8, [
    ['Jumlah akses data kependudukan', t.total, 'count'],
    [CHANNEL_LABELS.WEB_PORTAL, t.webPortal, 'count'],
    [CHANNEL_LABELS.CARD_READER, t.cardReader, 'count'],
    ['Data ditemukan', t.found, 'count'],
    ['Data ditemukan, tercatat meninggal dunia', t.deceased, 'count'],
    ['Data tidak ditemukan', t.notFound, 'count'],
    ['Gagal (server Dukcapil menolak/tidak tersedia)', t.registryFailed, 'count'],
    ['Verifikasi sidik jari tidak berhasil', t.fingerprintFailed, 'count'],
    ['Akses untuk pemegang KTP-el dari luar kabupaten', t.outOfRegency, 'count'],
    [outOfRegencyLabel, t.total === 0 ? DASH : r.outOfRegencyShare, 'percent'],
    [BALIKAN_LABELS.accessesOwingBalikan, b.accessesOwingBalikan, 'count'],
    [BALIKAN_LABELS.accessesWithBalikanSubmitted, b.accessesWithBalikanSubmitted, 'count'],
    [BALIKAN_LABELS.accessesWithBalikanDelivered, b.accessesWithBalikanDelivered, 'count'],
    [BALIKAN_LABELS.accessesWithBalikanOnlyAbandoned, b.accessesWithBalikanOnlyAbandoned, 'count'],
    [BALIKAN_LABELS.deliveredShareOfOwing, b.accessesOwingBalikan === 0 ? DASH : b.deliveredShareOfOwing, 'percent'],
    ['Jumlah penolakan akses', r.refusals.reduce((sum, x) => sum + x.count, 0), 'count'],
    ['Ukuran log audit', r.logCheckpoint?.treeSize ?? null, 'count'],
    ['Akar log audit', r.logCheckpoint?.rootHash ?? null],
    ['Tanggal dokumen', formatDate(r.renderedOn)],
  ]);
}

function perPuskesmasSheet(workbook: Workbook, r: SemesterReport): void {
  puskesmasSheet(workbook, {
    name: 'Per Puskesmas',
    title: `PEMANFAATAN PER PUSKESMAS - ${r.title}`,
    landscape: true,
    columns: SEMESTER_SHEET,
    widths: [5, 14, 32, 16, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12],
    rows: r.perPuskesmas,
    totals: { accesses: r.totals, balikan: r.balikan },
  });
}

function monthSheet(workbook: Workbook, r: SemesterReport): void {
  const count = (header: string): SheetColumn => ({ header, width: 14, format: 'count' });
  const t = r.totals;
  tableSheet(workbook, {
    name: 'Per Bulan',
    title: `PEMANFAATAN PER BULAN - ${r.title}`,
    columns: [
      { header: 'Bulan', width: 14 },
      { header: 'Kode bulan', width: 11 },
      count('Web Portal'),
      count('Card Reader'),
      count('Jumlah'),
      count('Ditemukan'),
      count('Luar kabupaten'),
    ],
    rows: r.perMonth.map((m) => [
      monthLabel(m.month),
      m.month,
      m.accesses.webPortal,
      m.accesses.cardReader,
      m.accesses.total,
      m.accesses.found,
      m.accesses.outOfRegency,
    ]),
    total: ['JUMLAH', null, t.webPortal, t.cardReader, t.total, t.found, t.outOfRegency],
  });
}

function balikanSheet(workbook: Workbook, r: SemesterReport): void {
  puskesmasSheet(workbook, {
    name: 'Data Balikan',
    title: `DATA BALIKAN PER PUSKESMAS - ${r.title}`,
    columns: SEMESTER_SHEET_BALIKAN,
    widths: [5, 14, 32, 13, 13, 13, 13, 11],
    rows: r.perPuskesmas,
    totals: { accesses: r.totals, balikan: r.balikan },
  });
}

function refusalSheet(workbook: Workbook, r: SemesterReport): void {
  const sheet = tableSheet(workbook, {
    name: 'Penolakan',
    title: `PENOLAKAN AKSES MENURUT ALASAN - ${r.title}`,
    columns: [
      { header: 'No', width: 5 },
      { header: 'Alasan penolakan', width: 48 },
      { header: 'Jumlah', width: 12, format: 'count' },
    ],
    // The reason's wording only: a reader sees no code.
    rows: r.refusals.map((x, i) => [i + 1, reasonLabel(x.reason, x.label), x.count]),
    total: [null, 'JUMLAH', r.refusals.reduce((sum, x) => sum + x.count, 0)],
  });
  if (r.refusals.length === 0) sheet.getCell('B5').value = 'Tidak ada penolakan akses pada periode ini.';
}

/** Who proposed and who confirmed each change of the agreement, and when (WIB). */
function agreementSheet(workbook: Workbook, r: SemesterReport): void {
  const changes = r.agreement?.changes ?? [];
  tableSheet(workbook, {
    name: 'Perjanjian',
    title: `PERSETUJUAN PARA PIHAK ATAS PERJANJIAN - ${r.title}`,
    columns: [
      { header: 'No', width: 5 },
      { header: 'Perubahan', width: 24 },
      { header: 'Rincian', width: 40 },
      { header: 'Status', width: 14 },
      { header: 'Diusulkan oleh', width: 44 },
      { header: 'Diusulkan pada', width: 22 },
      { header: 'Dikonfirmasi/ditolak oleh', width: 44 },
      { header: 'Dikonfirmasi/ditolak pada', width: 22 },
    ],
    rows: changes.map((c, i) => [
      i + 1,
      AGREEMENT_CHANGE_LABELS[c.change] ?? c.change,
      agreementChangeDetail(c.change, c.detail),
      c.status === 'CONFIRMED' ? 'Dikonfirmasi' : c.status === 'REJECTED' ? 'Ditolak' : 'Menunggu',
      actorLabel(c.proposedBy),
      c.proposedAt ? formatDateTime(c.proposedAt) : '-',
      actorLabel(c.confirmedBy ?? c.rejectedBy),
      c.proposedBy === 'SEED' ? '-' : c.confirmedAt ? formatDateTime(c.confirmedAt) : c.rejectedAt ? formatDateTime(c.rejectedAt) : '-',
    ]),
    landscape: true,
  });
}

function fingerprintSheet(workbook: Workbook, r: SemesterReport): void {
  const f = r.fingerprint;
  tableSheet(workbook, {
    name: 'Sidik Jari',
    title: `VERIFIKASI SIDIK JARI (CARD READER KTP-EL) - ${r.title}`,
    columns: [
      { header: 'Hasil verifikasi', width: 34 },
      { header: 'Jumlah', width: 12, format: 'count' },
    ],
    rows: [
      ['Sidik jari cocok', f.matched],
      ['Sidik jari tidak cocok', f.notMatched],
      ['Sidik jari tidak diverifikasi', f.notPerformed],
    ],
    total: ['JUMLAH', f.matched + f.notMatched + f.notPerformed],
  });
}
