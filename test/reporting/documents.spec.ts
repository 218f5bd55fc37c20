import { createHash } from 'node:crypto';
import { Workbook, type Worksheet } from 'exceljs';
import fc from 'fast-check';
import { DENIAL_REASONS } from '../../src/modules/access/denials/access-denied.events';
import {
  renderBupatiSummaryPdf,
  renderBupatiSummaryXlsx,
  renderSemesterReportCsv,
  renderSemesterReportPdf,
  renderSemesterReportXlsx,
} from '../../src/modules/reporting/documents';
import {
  FINDING_LABELS,
  OBLIGATIONS,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  monthLabel,
  reasonLabel,
  semesterRoman,
} from '../../src/modules/reporting/documents/labels';
import type { PuskesmasRow, SemesterReport } from '../../src/modules/reporting/documents/report-data';
import { CSV_HEADER } from '../../src/modules/reporting/documents/semester-report.csv';
import { HAS_POPPLER, itWithPoppler, pageCount, pdfPages, pdfText } from '../support/pdf-text';
import { AGREEMENT, arbitrarySemesterReport, sampleBupatiSummary, samplePuskesmasRows, sampleSemesterReport } from '../support/report-fixtures';

// ---------------------------------------------------------------------------------------------------------------
// Reading documents back

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Cells of one printed table row: separated by at least one space in the layout text. */
const cells = (...values: string[]) => new RegExp(values.map(escape).join('\\s+'));

async function readWorkbook(data: Buffer): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(data as unknown as Parameters<Workbook['xlsx']['load']>[0]);
  return workbook;
}

function sheet(workbook: Workbook, name: string): Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

/** RFC 4180, just enough to read our own output back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** A copy of the report with the first Puskesmas' figures changed by `change`. */
function withFirstPuskesmas(report: SemesterReport, change: (p: PuskesmasRow) => PuskesmasRow): SemesterReport {
  return { ...report, perPuskesmas: report.perPuskesmas.map((p, i) => (i === 0 ? change(p) : p)) };
}

// ---------------------------------------------------------------------------------------------------------------

describe('Indonesian wording and formats', () => {
  it('writes numbers with a dot between thousands, shares with a decimal comma, dates with the month name', () => {
    expect(formatNumber(12345)).toBe('12.345');
    expect(formatNumber(1234567)).toBe('1.234.567');
    expect(formatNumber(999)).toBe('999');
    expect(formatPercent(0.875)).toBe('87,5%');
    expect(formatPercent(0.125)).toBe('12,5%');
    expect(formatPercent(1)).toBe('100,0%');
    expect(formatDate('2025-06-30')).toBe('30 Juni 2025');
    expect(monthLabel('2025-03')).toBe('Maret');
    expect([semesterRoman(1), semesterRoman(2)]).toEqual(['I', 'II']);
  });

  it('reads instants on the WIB clock (UTC+7)', () => {
    expect(formatDateTime('2025-06-30T16:59:59Z')).toBe('30 Juni 2025 23.59 WIB');
    expect(formatDate('2025-06-30T17:00:00Z')).toBe('1 Juli 2025');
  });

  it('has an Indonesian label for every refusal reason the gateway records', () => {
    for (const reason of DENIAL_REASONS) expect(reasonLabel(reason)).not.toBe(reason);
    expect(reasonLabel('NETWORK_NOT_ALLOWED')).toBe('Jaringan tidak diizinkan');
  });

  it('names the obligations an evaluation judges, Pasal 3 ayat (2) and Pasal 9 ayat (1)', () => {
    expect(OBLIGATIONS.map((o) => o.code)).toEqual([
      'BALIKAN',
      'ACCOUNTABILITY',
      'CLOSED_NETWORK',
      'ALL_HOLDERS',
      'CARD_READERS',
      'CONFIDENTIALITY',
      'SEMESTER_REPORT',
    ]);
    expect(FINDING_LABELS).toEqual({ MET: 'Terpenuhi', PARTIAL: 'Sebagian', NOT_MET: 'Tidak terpenuhi' });
  });
});

describe('The semester report PDF, as a Dinkes administrator reads it', () => {
  const report = sampleSemesterReport();
  let text = '';
  let pages: string[] = [];
  beforeAll(async () => {
    if (!HAS_POPPLER) return;
    pages = pdfPages(await renderSemesterReportPdf(report));
    text = pages.join('\n');
  });

  itWithPoppler('carries the letterhead of the Dinas Kesehatan, the title, the period and the due date', () => {
    expect(text).toContain('PEMERINTAH KABUPATEN KARANGANYAR');
    expect(text).toContain('DINAS KESEHATAN');
    expect(text).toMatch(cells(...report.title.split(' ')));
    expect(text).toContain('Periode: 1 Januari 2025 s.d. 30 Juni 2025');
    expect(text).toContain('Batas penyampaian: 30 Juni 2025');
  });

  itWithPoppler('names the agreement by both numbers, with its addendum and its status', () => {
    expect(text).toContain(`Dasar: Perjanjian Kerja Sama Nomor ${AGREEMENT.dukcapilNumber} / ${AGREEMENT.dinkesNumber}`);
    expect(text).toContain('Adendum: 473.3/100/IX/2024');
    expect(text).toContain('Status perjanjian per 30 Juni 2025: Berlaku');
  });

  itWithPoppler('shows who proposed and who confirmed each change of the agreement, and when', () => {
    const [, extension] = AGREEMENT.changes;
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Persetujuan para pihak:');
    expect(flat).toContain('diusulkan oleh data awal (ditandatangani kedua pihak), dikonfirmasi oleh data awal (ditandatangani kedua pihak)');
    expect(flat).toContain(
      `Perpanjangan (adendum) 473.3/100/IX/2024, 2026-09-15: diusulkan oleh operator ${extension!.proposedBy} (${formatDateTime(extension!.proposedAt!)})`,
    );
    expect(flat).toContain(`dikonfirmasi oleh operator ${extension!.confirmedBy} (${formatDateTime(extension!.confirmedAt!)})`);
  });

  itWithPoppler('summarises the semester: accesses per channel, the share of holders from outside the regency, balikan coverage, refusals', () => {
    const t = report.totals;
    expect(text).toMatch(cells('Jumlah akses data kependudukan', ':', formatNumber(t.total)));
    expect(text).toMatch(cells('melalui Web Portal (NIK)', ':', formatNumber(t.webPortal)));
    expect(text).toMatch(cells('melalui Card Reader KTP-el', ':', formatNumber(t.cardReader)));
    expect(text).toMatch(cells('Pemegang KTP-el dari luar kabupaten', ':', formatPercent(report.outOfRegencyShare)));
    expect(text).toMatch(cells('Cakupan data balikan', ':', formatPercent(report.balikan.coverage)));
    expect(text).toMatch(cells('Jumlah penolakan akses', ':', '25'));
  });

  itWithPoppler('lists every Puskesmas with its kecamatan and its figures, totals written "1.234"', () => {
    expect(report.perPuskesmas.some((p) => p.accesses.total >= 1000)).toBe(true);
    for (const p of report.perPuskesmas) {
      const a = p.accesses;
      expect(text).toMatch(cells(p.name, p.kecamatan, ...[a.webPortal, a.cardReader, a.total, a.found, a.outOfRegency].map(formatNumber)));
    }
    expect(text).toMatch(cells('JUMLAH', ...[report.totals.webPortal, report.totals.cardReader, report.totals.total].map(formatNumber)));
  });

  itWithPoppler('gives each month by name with its accesses, and draws the monthly chart per channel', () => {
    for (const m of report.perMonth)
      expect(text).toMatch(cells(monthLabel(m.month), ...[m.accesses.webPortal, m.accesses.cardReader, m.accesses.total].map(formatNumber)));
    expect(text).toContain('Pemanfaatan bulanan per kanal');
  });

  itWithPoppler('gives the balikan of every Puskesmas with its coverage, and draws the coverage chart', () => {
    for (const p of report.perPuskesmas) {
      const b = p.balikan;
      expect(text).toMatch(cells(p.name, ...[b.owed, b.submitted, b.delivered, b.abandoned].map(formatNumber), formatPercent(b.coverage)));
    }
    expect(text).toContain('Cakupan data balikan per Puskesmas');
  });

  itWithPoppler('counts refusals by their Indonesian reason, and fingerprint verification of card reads', () => {
    for (const r of report.refusals) expect(text).toMatch(cells(reasonLabel(r.reason), formatNumber(r.count)));
    expect(text).toMatch(cells('Sidik jari cocok', ':', formatNumber(report.fingerprint.matched)));
    expect(text).toMatch(cells('Sidik jari tidak cocok', ':', formatNumber(report.fingerprint.notMatched)));
    expect(text).toMatch(cells('Sidik jari tidak diverifikasi', ':', formatNumber(report.fingerprint.notPerformed)));
  });

  itWithPoppler('pins the audit log with its checkpoint', () => {
    expect(text).toContain(`Catatan audit: ukuran log 48.213, akar ${report.logCheckpoint!.rootHash}`);
  });

  itWithPoppler('ends with the signature block of the Kepala Dinas Kesehatan, and numbers every page "Halaman X dari Y"', () => {
    expect(text).toContain('Karanganyar, 30 Juni 2025');
    expect(text).toContain('KEPALA DINAS KESEHATAN');
    expect(text).toContain('NIP. ....');
    pages.forEach((page, i) => expect(page).toContain(`Halaman ${i + 1} dari ${pages.length}`));
  });

  itWithPoppler('says when there is no agreement and no refusal, and prints no checkpoint when there is none', async () => {
    const bare = pdfText(await renderSemesterReportPdf(sampleSemesterReport({ agreement: null, refusals: [], logCheckpoint: null })));
    expect(bare).toContain('Tidak ada perjanjian terdaftar');
    expect(bare).toContain('Tidak ada penolakan');
    expect(bare).not.toContain('Catatan audit');
  });

  itWithPoppler('does not print the submission hash, which is the hash of the document itself', async () => {
    const submitted = sampleSemesterReport({ submission: { submittedAt: '2025-06-27T03:15:00.000Z', onTime: true, sha256: 'ab'.repeat(32), revision: 1 } });
    expect(pdfText(await renderSemesterReportPdf(submitted))).not.toContain('ab'.repeat(32));
  });

  itWithPoppler('still reads right with no Puskesmas and no months', async () => {
    const empty = pdfText(await renderSemesterReportPdf(sampleSemesterReport({ perPuskesmas: [], perMonth: [] })));
    expect(empty).toContain('Tidak ada Puskesmas terdaftar');
    expect(empty).toContain('Tidak ada data bulanan');
    expect(empty).toContain('KEPALA DINAS KESEHATAN');
  });
});

describe('A semester report with 25 Puskesmas', () => {
  const report = sampleSemesterReport({ perPuskesmas: samplePuskesmasRows(25) });

  itWithPoppler('runs over several pages, repeats the table header on the next page and still names every Puskesmas with its total', async () => {
    const pdf = await renderSemesterReportPdf(report);
    const pages = pdfPages(pdf);
    expect(pageCount(pdf)).toBe(pages.length);
    expect(pages.length).toBeGreaterThan(1);
    const text = pages.join('\n');
    expect(text.match(/No\s+Puskesmas\s+Kecamatan\s+Web\s/g)?.length).toBeGreaterThanOrEqual(2);
    for (const p of report.perPuskesmas) expect(text).toMatch(cells(p.name, p.kecamatan, formatNumber(p.accesses.webPortal)));
  });
});

describe('The semester report PDF is reproducible', () => {
  it('gives the same bytes (SHA-256) for the same report, dated by the data, not by the clock', async () => {
    const report = sampleSemesterReport();
    const first = await renderSemesterReportPdf(report);
    const second = await renderSemesterReportPdf(report);
    expect(sha256(second)).toBe(sha256(first));
    // CreationDate and ModDate, both the report's asOf (pdfkit writes them as separate string objects).
    expect(first.toString('latin1').match(/\(D:20250630165959Z\)/g)).toHaveLength(2);
  });

  it('gives the same bytes for any valid report rendered twice', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySemesterReport(), async (report) => {
        const [first, second] = [await renderSemesterReportPdf(report), await renderSemesterReportPdf(report)];
        expect(sha256(second)).toBe(sha256(first));
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  it('gives a different hash when one figure changes', async () => {
    const report = sampleSemesterReport();
    const changed = withFirstPuskesmas(report, (p) => ({ ...p, accesses: { ...p.accesses, cardReader: p.accesses.cardReader + 1 } }));
    expect(sha256(await renderSemesterReportPdf(changed))).not.toBe(sha256(await renderSemesterReportPdf(report)));
  });
});

describe('The semester report workbook', () => {
  const report = sampleSemesterReport();
  let workbook: Workbook;
  beforeAll(async () => {
    workbook = await readWorkbook(await renderSemesterReportXlsx(report));
  });

  it('has the seven sheets, each with its merged bold title and a bold header row', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Ringkasan',
      'Per Puskesmas',
      'Per Bulan',
      'Data Balikan',
      'Penolakan',
      'Sidik Jari',
      'Perjanjian',
    ]);
    for (const s of workbook.worksheets) {
      expect(s.getCell('A1').isMerged).toBe(true);
      expect(s.getCell('A1').font?.bold).toBe(true);
    }
    expect(sheet(workbook, 'Per Puskesmas').getCell('C2').font?.bold).toBe(true);
  });

  it('shows on the sheet Perjanjian who proposed and who confirmed each change of the agreement, and when', () => {
    const rows = sheet(workbook, 'Perjanjian');
    expect(rows.getCell('A2').value).toBe('No');
    const [signing, extension] = AGREEMENT.changes;
    expect([3, 4].map((r) => ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((c) => rows.getCell(`${c}${r}`).value))).toEqual([
      [1, 'Penandatanganan', signing!.detail, 'Dikonfirmasi', 'data awal (ditandatangani kedua pihak)', '-', 'data awal (ditandatangani kedua pihak)', '-'],
      [
        2,
        'Perpanjangan (adendum)',
        extension!.detail,
        'Dikonfirmasi',
        `operator ${extension!.proposedBy}`,
        formatDateTime(extension!.proposedAt!),
        `operator ${extension!.confirmedBy}`,
        formatDateTime(extension!.confirmedAt!),
      ],
    ]);
  });

  it('dates and signs the workbook from the data, not the clock', () => {
    expect(workbook.creator).toBe('Dinas Kesehatan Kabupaten Karanganyar');
    expect(workbook.created.toISOString()).toBe(report.asOf);
    expect(workbook.modified.toISOString()).toBe(report.asOf);
  });

  it('holds the summary figures in the documented cells of "Ringkasan", as numbers', () => {
    const s = sheet(workbook, 'Ringkasan');
    expect(s.getCell('A1').value).toBe(report.title);
    expect(s.getCell('B2').value).toBe('1 Januari 2025 s.d. 30 Juni 2025');
    expect(s.getCell('B5').value).toBe(`${AGREEMENT.dukcapilNumber} / ${AGREEMENT.dinkesNumber}`);
    expect(s.getCell('B6').value).toBe('Berlaku');
    expect(s.getCell('B8').value).toBe(report.totals.total);
    expect(s.getCell('B9').value).toBe(report.totals.webPortal);
    expect(s.getCell('B10').value).toBe(report.totals.cardReader);
    expect(s.getCell('B16').value).toBe(report.totals.outOfRegency);
    expect(s.getCell('B17').value).toBe(report.outOfRegencyShare);
    expect(s.getCell('B17').numFmt).toBe('0.0%');
    expect(s.getCell('B18').value).toBe(report.balikan.owed);
    expect(s.getCell('B20').value).toBe(report.balikan.delivered);
    expect(s.getCell('B22').value).toBe(report.balikan.coverage);
    expect(s.getCell('B22').numFmt).toBe('0.0%');
    expect(s.getCell('B23').value).toBe(25);
    expect(s.getCell('B24').value).toBe(48213);
    expect(s.getCell('A17').value).toBe('Pemegang KTP-el dari luar kabupaten');
  });

  it('gives each Puskesmas a row of numbers on "Per Puskesmas", and the totals in the JUMLAH row', () => {
    const s = sheet(workbook, 'Per Puskesmas');
    const index = report.perPuskesmas.findIndex((p) => p.name === 'Puskesmas Jaten I');
    const p = report.perPuskesmas[index]!;
    const row = s.getRow(3 + index);
    expect(row.getCell('B').value).toBe(p.code);
    expect(row.getCell('C').value).toBe('Puskesmas Jaten I');
    expect(row.getCell('D').value).toBe('JATEN');
    expect(['E', 'F', 'G', 'H', 'L', 'M', 'O'].map((c) => row.getCell(c).value)).toEqual([
      p.accesses.webPortal,
      p.accesses.cardReader,
      p.accesses.total,
      p.accesses.found,
      p.accesses.outOfRegency,
      p.balikan.owed,
      p.balikan.delivered,
    ]);
    expect(row.getCell('Q').value).toBe(p.balikan.coverage);
    expect(row.getCell('Q').numFmt).toBe('0.0%');
    const total = s.getRow(3 + report.perPuskesmas.length);
    expect(total.getCell('C').value).toBe('JUMLAH');
    expect(total.getCell('G').value).toBe(report.totals.total);
  });

  it('lists months, refusals and fingerprint results on their sheets', () => {
    expect(sheet(workbook, 'Per Bulan').getCell('A3').value).toBe('Januari');
    expect(sheet(workbook, 'Per Bulan').getCell('E3').value).toBe(report.perMonth[0]!.accesses.total);
    expect(sheet(workbook, 'Penolakan').getCell('C3').value).toBe('Jaringan tidak diizinkan');
    expect(sheet(workbook, 'Penolakan').getCell('D3').value).toBe(14);
    expect(sheet(workbook, 'Sidik Jari').getCell('B3').value).toBe(report.fingerprint.matched);
    expect(sheet(workbook, 'Data Balikan').getCell('H3').value).toBe(report.perPuskesmas[0]!.balikan.coverage);
  });
});

describe('The semester report CSV', () => {
  const report = sampleSemesterReport();
  const csv = renderSemesterReportCsv(report);

  it('opens in Excel: UTF-8 byte order mark, comma separated, CRLF line ends, the agreed header', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')[0]).toBe(
      'kode_puskesmas,nama_puskesmas,kecamatan,web_portal,card_reader,jumlah,ditemukan,meninggal,tidak_ditemukan,gagal_registry,luar_kabupaten,balikan_wajib,balikan_dikirim,balikan_terkirim,balikan_ditinggalkan',
    );
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has one row per Puskesmas with plain numbers, then a TOTAL row', () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(1 + report.perPuskesmas.length + 1);
    const jaten = rows.find((r) => r[1] === 'Puskesmas Jaten I')!;
    const p = report.perPuskesmas.find((x) => x.name === 'Puskesmas Jaten I')!;
    expect(jaten.slice(0, 6)).toEqual([p.code, p.name, 'JATEN', String(p.accesses.webPortal), String(p.accesses.cardReader), String(p.accesses.total)]);
    expect(rows.at(-1)!.slice(0, 6)).toEqual(['TOTAL', '', '', String(report.totals.webPortal), String(report.totals.cardReader), String(report.totals.total)]);
  });

  it('quotes a name holding a comma or a double quote', () => {
    const odd = sampleSemesterReport({ perPuskesmas: [{ ...samplePuskesmasRows(1)[0]!, name: 'Puskesmas "Sehat", Jaten' }] });
    expect(renderSemesterReportCsv(odd).split('\r\n')[1]).toContain(',"Puskesmas ""Sehat"", Jaten",');
  });

  it('reads back to the same fields whatever the names hold', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '7', ' ', ',', '"', '\r', '\n', ';', 'é'), maxLength: 30 });
    fc.assert(
      fc.property(arbitrarySemesterReport(), fc.array(fc.tuple(text, text)), (report, names) => {
        const rows = report.perPuskesmas.map((p, i) => ({ ...p, name: names[i]?.[0] ?? p.name, kecamatan: names[i]?.[1] ?? p.kecamatan }));
        const parsed = parseCsv(renderSemesterReportCsv({ ...report, perPuskesmas: rows }).slice(1));
        expect(parsed[0]).toEqual([...CSV_HEADER]);
        expect(parsed.slice(1, -1).map((r) => r.slice(0, 3))).toEqual(rows.map((p) => [p.code, p.name, p.kecamatan]));
        expect(parsed.at(-1)![0]).toBe('TOTAL');
      }),
    );
  });
});

describe('The summary for the Bupati (Pasal 9 ayat (4))', () => {
  const summary = sampleBupatiSummary();

  itWithPoppler('is addressed to the Bupati, gives the key figures and the agreement with its days left, in at most two pages', async () => {
    const pdf = await renderBupatiSummaryPdf(summary);
    const text = pdfText(pdf);
    expect(pageCount(pdf)).toBeLessThanOrEqual(2);
    expect(text).toContain('Kepada Yth. Bupati Karanganyar');
    expect(text).toMatch(cells(...summary.title.split(' ')));
    expect(text).toMatch(cells('Jumlah akses data kependudukan', ':', formatNumber(summary.totals.total)));
    expect(text).toMatch(cells('melalui Web Portal (NIK)', ':', formatNumber(summary.totals.webPortal)));
    expect(text).toMatch(cells('melalui Card Reader KTP-el', ':', formatNumber(summary.totals.cardReader)));
    expect(text).toMatch(cells('Pemegang KTP-el dari luar kabupaten', ':', formatPercent(summary.outOfRegencyShare)));
    expect(text).toMatch(cells('Cakupan data balikan', ':', formatPercent(summary.balikan.coverage)));
    expect(text).toMatch(cells('Jumlah penolakan akses', ':', formatNumber(summary.refusalsTotal)));
    expect(text).toContain(`Perjanjian Kerja Sama Nomor ${AGREEMENT.dukcapilNumber} / ${AGREEMENT.dinkesNumber}`);
    expect(text).toContain(`Sisa masa berlaku: ${summary.daysLeft} hari`);
  });

  itWithPoppler('ranks the Puskesmas by accesses, with their balikan coverage', async () => {
    const text = pdfText(await renderBupatiSummaryPdf(summary));
    const [first, second] = summary.perPuskesmas;
    expect(text).toMatch(cells('1', first!.name, first!.kecamatan, formatNumber(first!.accesses.total), formatPercent(first!.balikan.coverage)));
    expect(text).toMatch(cells('2', second!.name));
  });

  itWithPoppler('tells whether the semester report arrived on time, and the findings of each evaluation', async () => {
    const text = pdfText(await renderBupatiSummaryPdf(summary));
    expect(text).toContain('Disampaikan tepat waktu (batas penyampaian 30 Juni 2025), pada 27 Juni 2025');
    expect(text).toContain('Evaluasi Periodik, 20 Mei 2025');
    for (const label of ['Terpenuhi', 'Sebagian', 'Tidak terpenuhi']) expect(text).toContain(label);
    expect(text).toMatch(cells('Menyampaikan data balikan (Pasal 3 ayat (2) huruf b)', 'Sebagian'));
    expect(text).toContain(`Catatan audit: ukuran log 48.213, akar ${summary.logCheckpoint!.rootHash}`);
    expect(text).toContain('KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL');
    expect(text).toContain('Halaman 1 dari');
  });

  itWithPoppler('says when the report came late or has not come, and names an ad-hoc evaluation "Insidental"', async () => {
    const late = sampleBupatiSummary({
      report: { dueOn: '2025-06-30', submission: { submittedAt: '2025-07-04T02:00:00.000Z', onTime: false, sha256: 'd'.repeat(64), revision: 1 } },
    });
    expect(pdfText(await renderBupatiSummaryPdf(late))).toContain('Disampaikan terlambat (batas penyampaian 30 Juni 2025), pada 4 Juli 2025');
    const missing = sampleBupatiSummary({
      report: { dueOn: '2025-06-30', submission: null },
      evaluations: [{ ...sampleBupatiSummary().evaluations[0]!, kind: 'AD_HOC' }],
    });
    const text = pdfText(await renderBupatiSummaryPdf(missing));
    expect(text).toContain('Belum disampaikan (batas penyampaian 30 Juni 2025)');
    expect(text).toContain('Evaluasi Insidental');
  });

  it('gives the same bytes for the same summary', async () => {
    expect(sha256(await renderBupatiSummaryPdf(summary))).toBe(sha256(await renderBupatiSummaryPdf(summary)));
  });

  it('is also a readable workbook: key figures, ranked Puskesmas, one row per finding', async () => {
    const workbook = await readWorkbook(await renderBupatiSummaryXlsx(summary));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Ringkasan', 'Puskesmas', 'Evaluasi']);
    const s = sheet(workbook, 'Ringkasan');
    expect(s.getCell('B2').value).toBe('Bupati Karanganyar');
    expect(s.getCell('B7').value).toBe(summary.daysLeft);
    expect(s.getCell('B11').value).toBe(summary.totals.total);
    expect(s.getCell('B15').value).toBe(summary.outOfRegencyShare);
    expect(s.getCell('B18').value).toBe(summary.balikan.coverage);
    expect(s.getCell('B18').numFmt).toBe('0.0%');
    expect(s.getCell('B19').value).toBe(summary.refusalsTotal);
    expect(sheet(workbook, 'Puskesmas').getCell('C3').value).toBe(summary.perPuskesmas[0]!.name);
    const findings = summary.evaluations[0]!.findings;
    expect(sheet(workbook, 'Evaluasi').getCell(`E${3 + findings.length - 1}`).value).toBe(FINDING_LABELS[findings.at(-1)!.finding]);
    expect(sheet(workbook, 'Evaluasi').getCell(`D${3 + findings.length}`).value).toBeNull();
  });
});
