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
  BALIKAN_LABELS,
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
import { ZERO_BALIKAN } from '../../src/modules/reporting/read-models/report-figures';
import { HAS_POPPLER, itWithPoppler, pageCount, pdfPages, pdfText } from '../support/pdf-text';
import {
  AGREEMENT,
  SAMPLE_SIGNATORIES,
  arbitrarySemesterReport,
  sampleBupatiSummary,
  samplePuskesmasRows,
  sampleSemesterReport,
} from '../support/report-fixtures';

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

/** RFC 4180 with the `;` separator, just enough to read our own output back. */
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
    } else if (!quoted && c === ';') {
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

  itWithPoppler('names each number of the agreement with its party, the original term, then each addendum with its date and new end', () => {
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(
      `Dasar: Perjanjian Kerja Sama antara Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar Nomor ${AGREEMENT.dukcapilNumber} dan Dinas Kesehatan Kabupaten Karanganyar Nomor ${AGREEMENT.dinkesNumber}, ditandatangani 16 September 2022, berlaku 16 September 2022 s.d. 15 September 2024.`,
    );
    expect(flat).not.toContain(`${AGREEMENT.dukcapilNumber} / ${AGREEMENT.dinkesNumber}`);
    expect(flat).toContain('Adendum 1: Nomor 473.3/100/IX/2024, disepakati kedua pihak 2 Desember 2025, masa berlaku diperpanjang s.d. 15 September 2026');
    expect(flat).toContain('Status perjanjian per 30 Juni 2025: Berlaku (berlaku s.d. 15 September 2026).');
  });

  itWithPoppler('puts each addendum on its own line, in the order agreed', async () => {
    const second = {
      ...AGREEMENT.changes[1]!,
      detail: '473.3/210/IX/2026, 2028-09-15',
      confirmedAt: '2026-08-03T03:00:00.000Z',
    };
    const agreement = { ...AGREEMENT, validUntil: '2028-09-15', addenda: [...AGREEMENT.addenda, '473.3/210/IX/2026'], changes: [...AGREEMENT.changes, second] };
    const lines = pdfText(await renderSemesterReportPdf(sampleSemesterReport({ agreement })))
      .split('\n')
      .map((l) => l.trim());
    const first = lines.findIndex((l) => l.startsWith('Adendum 1: Nomor 473.3/100/IX/2024'));
    expect(first).toBeGreaterThan(0);
    expect(lines[first + 1]).toMatch(/^s\.d\. 15 September 2026|^Adendum 2/);
    expect(lines.find((l) => l.startsWith('Adendum 2:'))).toContain('Adendum 2: Nomor 473.3/210/IX/2026, disepakati kedua pihak 3 Agustus 2026');
  });

  itWithPoppler('shows who proposed and who confirmed each change of the agreement, and when', () => {
    const [, extension] = AGREEMENT.changes;
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Persetujuan para pihak:');
    expect(flat).toContain('diusulkan oleh data awal (ditandatangani kedua pihak), dikonfirmasi oleh data awal (ditandatangani kedua pihak)');
    expect(flat).toContain(
      `Perpanjangan (adendum) Nomor 473.3/100/IX/2024, berlaku s.d. 15 September 2026: diusulkan oleh operator ${extension!.proposedBy} (${formatDateTime(extension!.proposedAt!)})`,
    );
    expect(flat).toContain(`dikonfirmasi oleh operator ${extension!.confirmedBy} (${formatDateTime(extension!.confirmedAt!)})`);
  });

  itWithPoppler('summarises the semester: accesses per channel, the share of holders from outside the regency, balikan coverage, refusals', () => {
    const t = report.totals;
    expect(text).toMatch(cells('Jumlah akses data kependudukan', ':', formatNumber(t.total)));
    expect(text).toMatch(cells('melalui Web Portal (NIK)', ':', formatNumber(t.webPortal)));
    expect(text).toMatch(cells('melalui Card Reader KTP-el', ':', formatNumber(t.cardReader)));
    expect(text).toMatch(cells('Akses untuk pemegang KTP-el dari luar kabupaten, dari seluruh akses', ':', formatPercent(report.outOfRegencyShare)));
    expect(text).toMatch(cells(BALIKAN_LABELS.deliveredShareOfOwing, ':', formatPercent(report.balikan.deliveredShareOfOwing)));
    expect(text).toMatch(cells('Jumlah penolakan akses', ':', '25'));
  });

  itWithPoppler('prints "–" for a coverage where nothing was owed, and for a share of no access at all, never "0,0%"', async () => {
    const idle = withFirstPuskesmas(report, (p) => ({
      ...p,
      accesses: { ...p.accesses, found: 0, deceased: 0 },
      balikan: ZERO_BALIKAN,
    }));
    const p = idle.perPuskesmas[0]!;
    const pdf = pdfText(await renderSemesterReportPdf(idle));
    expect(pdf).toMatch(cells(p.name, '0', '0', '0', '0', '\u2013'));
    const nothing = pdfText(await renderSemesterReportPdf(sampleSemesterReport({ perPuskesmas: samplePuskesmasRows(0) })));
    expect(nothing).toMatch(cells(BALIKAN_LABELS.deliveredShareOfOwing, ':', '\u2013'));
    expect(nothing).toMatch(cells('Akses untuk pemegang KTP-el dari luar kabupaten, dari seluruh akses', ':', '\u2013'));
    expect(nothing).not.toContain('0,0%');
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
      expect(text).toMatch(
        cells(
          p.name,
          ...[b.accessesOwingBalikan, b.accessesWithBalikanSubmitted, b.accessesWithBalikanDelivered, b.accessesWithBalikanOnlyAbandoned].map(formatNumber),
          formatPercent(b.deliveredShareOfOwing),
        ),
      );
    }
    expect(text).toContain('Cakupan data balikan per Puskesmas');
  });

  itWithPoppler('counts refusals by their Indonesian reason, and fingerprint verification of card reads', () => {
    for (const r of report.refusals) expect(text).toMatch(cells(reasonLabel(r.reason), formatNumber(r.count)));
    expect(text).toMatch(cells('Sidik jari cocok', ':', formatNumber(report.fingerprint.matched)));
    expect(text).toMatch(cells('Sidik jari tidak cocok', ':', formatNumber(report.fingerprint.notMatched)));
    expect(text).toMatch(cells('Sidik jari tidak diverifikasi', ':', formatNumber(report.fingerprint.notPerformed)));
  });

  itWithPoppler('pins the audit log with its checkpoint, and says in plain words what it is and how Disdukcapil checks it', () => {
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(
      'Catatan audit: seluruh 48.213 kejadian yang tercatat di gateway sampai saat data laporan ini, termasuk setiap akses yang dihitung di atas, tercatat dalam log audit yang ditandatangani secara elektronik',
    );
    expect(flat).toContain(`ukuran log 48.213, akar ${report.logCheckpoint!.rootHash}`);
    expect(flat).toContain('menu Log audit');
    expect(flat).toContain('GET /v1/audit/checkpoints');
    expect(flat).toContain('GET /v1/audit/consistency?from=48213&to=');
  });

  itWithPoppler('is dated the day it is rendered and states the true cut-off of its figures', () => {
    expect(text).toContain('Karanganyar, 2 Juli 2025');
    expect(text).not.toContain('Karanganyar, 30 Juni 2025');
    expect(text).toContain(`Data per: ${formatDateTime(report.cutOff!)}`);
    expect(text).toContain('Data per: 30 Juni 2025 16.41 WIB');
  });

  itWithPoppler("dates a late semester-I report the day it is rendered (2 December), not the period's last day", async () => {
    const late = pdfText(await renderSemesterReportPdf(sampleSemesterReport({ renderedOn: '2025-12-02', cutOff: '2025-12-02T12:44:10.000Z' })));
    expect(late).toContain('Karanganyar, 2 Desember 2025');
    expect(late).toContain('Data per: 2 Desember 2025 19.44 WIB');
    const empty = pdfText(await renderSemesterReportPdf(sampleSemesterReport({ cutOff: null })));
    expect(empty).toContain('Data per: belum ada kejadian yang tercatat');
  });

  itWithPoppler('ends with the signature of the Kepala Dinas Kesehatan from the register: position, name, pangkat/golongan and NIP', () => {
    const s = SAMPLE_SIGNATORIES.dinkes!;
    const last = pages.at(-1)!;
    expect(last).toContain('KEPALA DINAS KESEHATAN KABUPATEN');
    expect(last).toContain(s.name);
    expect(last).toContain(s.rank);
    expect(last).toContain('NIP. 19700512 199803 2 004');
    // Dinkes' own report: Disdukcapil receives it, it does not sign it.
    expect(text).not.toContain(SAMPLE_SIGNATORIES.disdukcapil!.name);
    pages.forEach((page, i) => expect(page).toContain(`Halaman ${i + 1} dari ${pages.length}`));
  });

  itWithPoppler('leaves a clear blank to sign by hand when no signatory is recorded', async () => {
    const blank = pdfText(await renderSemesterReportPdf(sampleSemesterReport({ signatories: { dinkes: null, disdukcapil: null } })));
    expect(blank).toContain('KEPALA DINAS KESEHATAN');
    expect(blank).toContain('(.............................................)');
    expect(blank).toContain('Pangkat/golongan ....');
    expect(blank).toContain('NIP. ....');
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
    // CreationDate and ModDate, both 00.00 WIB of the day it is rendered (pdfkit writes them as separate string objects).
    expect(first.toString('latin1').match(/\(D:20250701170000Z\)/g)).toHaveLength(2);
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
    const [, extension] = AGREEMENT.changes;
    expect([3, 4].map((r) => ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((c) => rows.getCell(`${c}${r}`).value))).toEqual([
      [
        1,
        'Penandatanganan',
        `Disdukcapil Nomor ${AGREEMENT.dukcapilNumber} dan Dinas Kesehatan Nomor ${AGREEMENT.dinkesNumber}, berlaku 16 September 2022 s.d. 15 September 2024`,
        'Dikonfirmasi',
        'data awal (ditandatangani kedua pihak)',
        '-',
        'data awal (ditandatangani kedua pihak)',
        '-',
      ],
      [
        2,
        'Perpanjangan (adendum)',
        'Nomor 473.3/100/IX/2024, berlaku s.d. 15 September 2026',
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
    // 00.00 WIB of the day it is rendered, as the PDF.
    expect(workbook.created.toISOString()).toBe('2025-07-01T17:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2025-07-01T17:00:00.000Z');
  });

  it('holds the summary figures in the documented cells of "Ringkasan", as numbers', () => {
    const s = sheet(workbook, 'Ringkasan');
    expect(s.getCell('A1').value).toBe(report.title);
    expect(s.getCell('B2').value).toBe('1 Januari 2025 s.d. 30 Juni 2025');
    expect(s.getCell('B4').value).toBe('30 Juni 2025 16.41 WIB');
    expect(s.getCell('B5').value).toBe(`Disdukcapil Nomor ${AGREEMENT.dukcapilNumber} dan Dinas Kesehatan Nomor ${AGREEMENT.dinkesNumber}`);
    expect(s.getCell('B6').value).toBe('Berlaku');
    expect(s.getCell('B8').value).toBe(report.totals.total);
    expect(s.getCell('B9').value).toBe(report.totals.webPortal);
    expect(s.getCell('B10').value).toBe(report.totals.cardReader);
    expect(s.getCell('B16').value).toBe(report.totals.outOfRegency);
    expect(s.getCell('B17').value).toBe(report.outOfRegencyShare);
    expect(s.getCell('B17').numFmt).toBe('0.0%');
    expect(s.getCell('B18').value).toBe(report.balikan.accessesOwingBalikan);
    expect(s.getCell('B20').value).toBe(report.balikan.accessesWithBalikanDelivered);
    expect(s.getCell('B22').value).toBe(report.balikan.deliveredShareOfOwing);
    expect(s.getCell('B22').numFmt).toBe('0.0%');
    expect(s.getCell('B23').value).toBe(25);
    expect(s.getCell('B24').value).toBe(48213);
    expect(s.getCell('A17').value).toBe('Akses untuk pemegang KTP-el dari luar kabupaten, dari seluruh akses');
    expect(s.getCell('B26').value).toBe('2 Juli 2025');
  });

  it('gives each Puskesmas a row of numbers on "Per Puskesmas", and the totals in the JUMLAH row', () => {
    const s = sheet(workbook, 'Per Puskesmas');
    const index = report.perPuskesmas.findIndex((p) => p.name === 'Puskesmas Jaten I');
    const p = report.perPuskesmas[index]!;
    const row = s.getRow(3 + index);
    expect(row.getCell('B').value).toBe(p.code);
    expect(row.getCell('C').value).toBe('Puskesmas Jaten I');
    expect(row.getCell('D').value).toBe('JATEN');
    expect(['E', 'F', 'G', 'H', 'L', 'M', 'N', 'P'].map((c) => row.getCell(c).value)).toEqual([
      p.accesses.webPortal,
      p.accesses.cardReader,
      p.accesses.total,
      p.accesses.found,
      p.accesses.fingerprintFailed,
      p.accesses.outOfRegency,
      p.balikan.accessesOwingBalikan,
      p.balikan.accessesWithBalikanDelivered,
    ]);
    expect(s.getCell('L2').value).toBe('Sidik jari gagal');
    expect(row.getCell('R').value).toBe(p.balikan.deliveredShareOfOwing);
    expect(row.getCell('R').numFmt).toBe('0.0%');
    const total = s.getRow(3 + report.perPuskesmas.length);
    expect(total.getCell('C').value).toBe('JUMLAH');
    expect(total.getCell('G').value).toBe(report.totals.total);
  });

  it('lists months, refusals and fingerprint results on their sheets', () => {
    expect(sheet(workbook, 'Per Bulan').getCell('A3').value).toBe('Januari');
    expect(sheet(workbook, 'Per Bulan').getCell('E3').value).toBe(report.perMonth[0]!.accesses.total);
    expect(sheet(workbook, 'Penolakan').getCell('B3').value).toBe('Jaringan tidak diizinkan');
    expect(sheet(workbook, 'Penolakan').getCell('C3').value).toBe(14);
    expect(sheet(workbook, 'Sidik Jari').getCell('B3').value).toBe(report.fingerprint.matched);
    expect(sheet(workbook, 'Data Balikan').getCell('H3').value).toBe(report.perPuskesmas[0]!.balikan.deliveredShareOfOwing);
  });
});

describe('The semester report CSV', () => {
  const report = sampleSemesterReport();
  const csv = renderSemesterReportCsv(report);

  it('opens in columns in Excel set to Indonesian: UTF-8 byte order mark, semicolon separated, CRLF line ends, the agreed header', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')[0]).toBe(
      'kode_puskesmas;nama_puskesmas;kecamatan;web_portal;card_reader;jumlah;ditemukan;meninggal;tidak_ditemukan;gagal_registry;sidik_jari_gagal;luar_kabupaten;akses_wajib_balikan;akses_balikan_dikirim;akses_balikan_terkirim;akses_balikan_ditinggalkan;cakupan_balikan_persen',
    );
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has one row per Puskesmas with plain numbers and the coverage with a decimal comma, then a TOTAL row', () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(1 + report.perPuskesmas.length + 1);
    const jaten = rows.find((r) => r[1] === 'Puskesmas Jaten I')!;
    const p = report.perPuskesmas.find((x) => x.name === 'Puskesmas Jaten I')!;
    expect(jaten.slice(0, 6)).toEqual([p.code, p.name, 'JATEN', String(p.accesses.webPortal), String(p.accesses.cardReader), String(p.accesses.total)]);
    expect(jaten.at(-1)).toBe(formatPercent(p.balikan.deliveredShareOfOwing).replace('%', ''));
    expect(rows.at(-1)!.slice(0, 6)).toEqual(['TOTAL', '', '', String(report.totals.webPortal), String(report.totals.cardReader), String(report.totals.total)]);
  });

  it('writes "–" for the coverage of a Puskesmas that owed no balikan, never 0', () => {
    const idle = withFirstPuskesmas(report, (p) => ({ ...p, balikan: ZERO_BALIKAN }));
    expect(parseCsv(renderSemesterReportCsv(idle).slice(1))[1]!.at(-1)).toBe('\u2013');
  });

  it("adds up: in every row the outcomes make the total, and every column's rows make the TOTAL row", () => {
    const outcomes = ['ditemukan', 'meninggal', 'tidak_ditemukan', 'gagal_registry', 'sidik_jari_gagal'];
    const counts = CSV_HEADER.filter((k) => !['kode_puskesmas', 'nama_puskesmas', 'kecamatan', 'cakupan_balikan_persen'].includes(k));
    fc.assert(
      fc.property(arbitrarySemesterReport(), (report) => {
        const [header, ...rows] = parseCsv(renderSemesterReportCsv(report).slice(1));
        const at = (row: string[], key: string) => Number(row[header!.indexOf(key)]);
        for (const row of rows) expect(outcomes.reduce((sum, k) => sum + at(row, k), 0)).toBe(at(row, 'jumlah'));
        const total = rows.at(-1)!;
        for (const key of counts) expect(rows.slice(0, -1).reduce((sum, row) => sum + at(row, key), 0)).toBe(at(total, key));
      }),
    );
  });

  it('quotes a name holding a semicolon or a double quote', () => {
    const odd = sampleSemesterReport({ perPuskesmas: [{ ...samplePuskesmasRows(1)[0]!, name: 'Puskesmas "Sehat"; Jaten' }] });
    expect(renderSemesterReportCsv(odd).split('\r\n')[1]).toContain(';"Puskesmas ""Sehat""; Jaten";');
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

describe('The workbooks, as a reader sees every cell', () => {
  /** Every text a reader sees, sheet by sheet; a code such as ROLE_NOT_ALLOWED is not Indonesian. */
  async function codesIn(data: Buffer): Promise<string[]> {
    const workbook = await readWorkbook(data);
    const found: string[] = [];
    for (const s of workbook.worksheets)
      s.eachRow((row) =>
        row.eachCell((cell) => {
          const text = typeof cell.value === 'string' ? cell.value : '';
          for (const m of text.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) found.push(`${s.name}!${cell.address}: ${m[0]}`);
        }),
      );
    return found;
  }

  it('holds no English code in any cell of any sheet, whatever the refusals and findings', async () => {
    const everyReason = sampleSemesterReport({ refusals: DENIAL_REASONS.map((reason) => ({ reason, label: reasonLabel(reason), count: 1 })) });
    expect(await codesIn(await renderSemesterReportXlsx(everyReason))).toEqual([]);
    expect(await codesIn(await renderBupatiSummaryXlsx(sampleBupatiSummary()))).toEqual([]);
  });

  it('adds up on "Per Puskesmas": the outcomes H to L make the total G in every row, and the rows make the JUMLAH row', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySemesterReport(), async (report) => {
        const s = sheet(await readWorkbook(await renderSemesterReportXlsx(report)), 'Per Puskesmas');
        const n = (row: number, column: string) => Number(s.getCell(`${column}${row}`).value ?? 0);
        const last = 3 + report.perPuskesmas.length;
        for (let row = 3; row <= last; row++) expect(['H', 'I', 'J', 'K', 'L'].reduce((sum, c) => sum + n(row, c), 0)).toBe(n(row, 'G'));
        for (const c of ['E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q']) {
          let sum = 0;
          for (let row = 3; row < last; row++) sum += n(row, c);
          expect(sum).toBe(n(last, c));
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  it('shows "–" (not 0%) where nothing was owed or nothing was accessed', async () => {
    const report = sampleSemesterReport({ perPuskesmas: [] });
    const s = sheet(await readWorkbook(await renderSemesterReportXlsx(report)), 'Ringkasan');
    expect(s.getCell('B17').value).toBe('\u2013');
    expect(s.getCell('B22').value).toBe('\u2013');
    const idle = withFirstPuskesmas(sampleSemesterReport(), (p) => ({ ...p, balikan: ZERO_BALIKAN }));
    expect(sheet(await readWorkbook(await renderSemesterReportXlsx(idle)), 'Per Puskesmas').getCell('R3').value).toBe('\u2013');
  });
});

describe('The summary for the Bupati (Pasal 9 ayat (4))', () => {
  const summary = sampleBupatiSummary();

  itWithPoppler('is addressed to the Bupati, gives the key figures and the agreement with its days left, in at most two pages', async () => {
    const pdf = await renderBupatiSummaryPdf(summary);
    const text = pdfText(pdf);
    expect(pageCount(pdf)).toBeLessThanOrEqual(2);
    expect(text).toContain('Yth. Bupati Karanganyar');
    expect(text).toMatch(cells(...summary.title.split(' ')));
    expect(text).toMatch(cells('Jumlah akses data kependudukan', ':', formatNumber(summary.totals.total)));
    expect(text).toMatch(cells('melalui Web Portal (NIK)', ':', formatNumber(summary.totals.webPortal)));
    expect(text).toMatch(cells('melalui Card Reader KTP-el', ':', formatNumber(summary.totals.cardReader)));
    expect(text).toMatch(cells('Akses untuk pemegang KTP-el dari luar kabupaten, dari seluruh akses', ':', formatPercent(summary.outOfRegencyShare)));
    expect(text).toMatch(cells(BALIKAN_LABELS.deliveredShareOfOwing, ':', formatPercent(summary.balikan.deliveredShareOfOwing)));
    expect(text).toMatch(cells('Jumlah penolakan akses', ':', formatNumber(summary.refusalsTotal)));
    expect(text.replace(/\s+/g, ' ')).toContain(
      `Pencatatan Sipil Kabupaten Karanganyar Nomor ${AGREEMENT.dukcapilNumber} dan Dinas Kesehatan Kabupaten Karanganyar Nomor`,
    );
    expect(text).toContain(`Sisa masa berlaku: ${summary.daysLeft} hari`);
  });

  itWithPoppler(
    'has the form of an official letter: place and date, Nomor, Sifat, Lampiran, Hal, the addressee, and the signature of the head of Disdukcapil',
    async () => {
      const text = pdfText(await renderBupatiSummaryPdf(summary));
      const s = SAMPLE_SIGNATORIES.disdukcapil!;
      // Dated the day it was issued, with its number.
      expect(text).toContain('Karanganyar, 3 Juli 2025');
      expect(text).toMatch(cells('Nomor', ':', '400.12/87/2025', 'Yth. Bupati Karanganyar'));
      expect(text).toMatch(cells('Sifat', ':', 'Biasa', 'di'));
      expect(text).toMatch(cells('Lampiran', ':', '-', 'KARANGANYAR'));
      expect(text).toMatch(cells('Hal', ':', 'Ringkasan Pemanfaatan Data Kependudukan oleh'));
      expect(text).toContain('KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN');
      expect(text).toContain(s.name);
      expect(text).toContain(s.rank);
      expect(text).toContain('NIP. 19690815 199403 1 007');
      expect(text).not.toContain('DRAF');
    },
  );

  itWithPoppler('is marked DRAF on every page, "Nomor : …/…/…", until Disdukcapil issues it with its number', async () => {
    const pages = pdfPages(await renderBupatiSummaryPdf(sampleBupatiSummary({ letter: null, renderedOn: '2025-07-02' })));
    const text = pages.join('\n');
    expect(text).toMatch(cells('Nomor', ':', '\u2026/\u2026/\u2026'));
    expect(text).toContain('DRAF - BELUM BERNOMOR, JANGAN DIKIRIM');
    expect(text).toContain('Karanganyar, 2 Juli 2025');
    for (const page of pages) expect(page).toContain('DRAF, belum bernomor: jangan dikirim');
  });

  itWithPoppler('names the Puskesmas tied at the tenth place with the ones after it, and says how many share it', async () => {
    const rows = samplePuskesmasRows(14).map((p, i) => ({ ...p, accesses: { ...p.accesses, total: i < 9 ? 100 - i : 19 } }));
    const text = pdfText(await renderBupatiSummaryPdf(sampleBupatiSummary({ perPuskesmas: rows })));
    for (const p of rows) expect(text).toMatch(cells(p.name, p.kecamatan, formatNumber(p.accesses.total)));
    expect(text.replace(/\s+/g, ' ')).toContain('Peringkat ke-10 ditempati bersama oleh 5 Puskesmas dengan 19 akses; semuanya dicantumkan.');
    expect(text).not.toContain('Ditambah');
  });

  itWithPoppler('ranks the Puskesmas by accesses, with their balikan coverage', async () => {
    const text = pdfText(await renderBupatiSummaryPdf(summary));
    const [first, second] = summary.perPuskesmas;
    expect(text).toMatch(cells('1', first!.name, first!.kecamatan, formatNumber(first!.accesses.total), formatPercent(first!.balikan.deliveredShareOfOwing)));
    expect(text).toMatch(cells('2', second!.name));
  });

  itWithPoppler('tells whether the semester report arrived on time, and the findings of each evaluation', async () => {
    const text = pdfText(await renderBupatiSummaryPdf(summary));
    expect(text).toContain('Disampaikan tepat waktu (batas penyampaian 30 Juni 2025), pada 27 Juni 2025');
    expect(text).toContain('Evaluasi Periodik, 20 Mei 2025');
    for (const label of ['Terpenuhi', 'Sebagian', 'Tidak terpenuhi']) expect(text).toContain(label);
    expect(text).toMatch(cells('Menyampaikan data balikan (Pasal 3 ayat (2) huruf b)', 'Sebagian'));
    expect(text.replace(/\s+/g, ' ')).toContain(`ukuran log 48.213, akar ${summary.logCheckpoint!.rootHash}`);
    expect(text.replace(/\s+/g, ' ')).toContain('KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KABUPATEN KARANGANYAR');
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
    expect(s.getCell('B18').value).toBe(summary.balikan.deliveredShareOfOwing);
    expect(s.getCell('B18').numFmt).toBe('0.0%');
    expect(s.getCell('B19').value).toBe(summary.refusalsTotal);
    expect(s.getCell('B22').value).toBe('400.12/87/2025');
    expect(s.getCell('B23').value).toBe('3 Juli 2025');
    expect(sheet(workbook, 'Puskesmas').getCell('C3').value).toBe(summary.perPuskesmas[0]!.name);
    const findings = summary.evaluations[0]!.findings;
    expect(sheet(workbook, 'Evaluasi').getCell(`D${3 + findings.length - 1}`).value).toBe(FINDING_LABELS[findings.at(-1)!.finding]);
    expect(sheet(workbook, 'Evaluasi').getCell(`C${3 + findings.length}`).value).toBeNull();
  });
});
