import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBupatiSummaryPdf, renderSemesterReportPdf } from '../../src/modules/reporting/documents';
import type { EvaluationSummary } from '../../src/modules/reporting/documents/report-data';
import { loadConfig } from '../../src/infrastructure/config/config';
import { describeWithPoppler, pdfPages } from '../support/pdf-text';
import { png } from '../support/png';
import { SAMPLE_EVALUATION, arbitrarySemesterReport, sampleBupatiSummary, samplePuskesmasRows, sampleSemesterReport } from '../support/report-fixtures';

/*
 * The pages as a reader turns them: no page ends with a heading whose content went to the next page, and the
 * closing sentence and the signature share their page with the section before them. Every page is also
 * rendered to PNG under out/documents/ (not committed) for a reviewer to look at.
 */

const OUT = join(__dirname, '..', '..', 'out', 'documents');

/** A section heading of either document: "II. PEMANFAATAN PER PUSKESMAS", "E. HASIL EVALUASI". */
const HEADING = /^(?:[IVX]+|[A-E])\.\s+[A-Z][A-Z0-9 ()/-]+$/;

/** The page's lines without the blank ones and the footer (the footnote and "Halaman X dari Y"). */
function contentLines(page: string): string[] {
  return page
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/Halaman \d+ dari \d+$/.test(l));
}

function expectReadablePages(pages: readonly string[], lastSection: RegExp): void {
  pages.forEach((page, i) => {
    const lines = contentLines(page);
    expect({ page: i + 1, lastLine: lines.at(-1) }).not.toEqual({ page: i + 1, lastLine: expect.stringMatching(HEADING) });
  });
  const closingPage = pages.findIndex((p) => p.includes('Demikian'));
  expect(closingPage).toBeGreaterThanOrEqual(0);
  const lines = contentLines(pages[closingPage]!);
  const closingAt = lines.findIndex((l) => l.startsWith('Catatan audit') || l.startsWith('Demikian'));
  // The last section's content is on the closing's page, before it; so is the signature, after it.
  expect(lines.slice(0, closingAt).some((l) => lastSection.test(l))).toBe(true);
  expect(lines.slice(closingAt).some((l) => l.startsWith('NIP.'))).toBe(true);
}

/** Writes the PDF and its pages as PNG (60 dpi) under out/documents/. */
function keepForReview(name: string, pdf: Buffer): void {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.pdf`);
  writeFileSync(file, pdf);
  const result = spawnSync('pdftoppm', ['-r', '60', '-png', file, join(OUT, name)]);
  expect(result.status).toBe(0);
}

const evaluations = (count: number): EvaluationSummary[] =>
  Array.from({ length: count }, (_, i) => ({
    ...SAMPLE_EVALUATION,
    evaluationId: `0d6f3c1e-8a52-4b7e-9c41-2f1a6b3d9e${String(i).padStart(2, '0')}`,
    kind: i === 0 ? 'PERIODIC' : 'AD_HOC',
    recordedAt: `2025-0${1 + (i % 6)}-1${i % 10}T02:30:00.000Z`,
  }));

describeWithPoppler('Documents a reader can follow page by page', () => {
  it.each([0, 1, 21, 40])('the semester report with %i Puskesmas: no heading ends a page, the closing keeps with section VI', async (count) => {
    const pdf = await renderSemesterReportPdf(sampleSemesterReport({ perPuskesmas: samplePuskesmasRows(count) }));
    keepForReview(`laporan-${count}-puskesmas`, pdf);
    expectReadablePages(pdfPages(pdf), /^Sidik jari|^Jumlah pembacaan KTP-el/);
  });

  it.each([
    [21, 1],
    [40, 0],
    [1, 3],
    [21, 6],
  ])('the Bupati summary of %i Puskesmas and %i evaluations: no heading ends a page, the closing keeps with the findings', async (count, evaluationCount) => {
    const base = sampleSemesterReport({ perPuskesmas: samplePuskesmasRows(count) });
    const pdf = await renderBupatiSummaryPdf(
      sampleBupatiSummary({
        perPuskesmas: [...base.perPuskesmas].sort((a, b) => b.accesses.total - a.accesses.total),
        evaluations: evaluations(evaluationCount),
      }),
    );
    keepForReview(`ringkasan-${count}-puskesmas-${evaluationCount}-evaluasi`, pdf);
    expectReadablePages(pdfPages(pdf), evaluationCount === 0 ? /^Belum ada evaluasi/ : /Terpenuhi|Sebagian|Tidak terpenuhi/);
  });

  it('holds for any valid report, and for its Bupati summary with any number of evaluations (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySemesterReport(), fc.integer({ min: 0, max: 8 }), async (report, evaluationCount) => {
        expectReadablePages(pdfPages(await renderSemesterReportPdf(report)), /^Sidik jari|^Jumlah pembacaan KTP-el/);
        const summary = sampleBupatiSummary({
          perPuskesmas: [...report.perPuskesmas].sort((a, b) => b.accesses.total - a.accesses.total),
          agreement: report.agreement,
          evaluations: evaluations(evaluationCount),
        });
        expectReadablePages(
          pdfPages(await renderBupatiSummaryPdf(summary)),
          evaluationCount === 0 ? /^Belum ada evaluasi/ : /Terpenuhi|Sebagian|Tidak terpenuhi/,
        );
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('renders the draft of the Bupati letter, unsigned, with a coat of arms, for review', async () => {
    mkdirSync(OUT, { recursive: true });
    const logo = join(OUT, 'lambang-uji.png');
    writeFileSync(logo, png(48));
    const { letterheads } = loadConfig({ LETTERHEAD_LOGO_FILE: logo });
    const pdf = await renderBupatiSummaryPdf(sampleBupatiSummary({ letter: null, signatories: { dinkes: null, disdukcapil: null } }), letterheads);
    keepForReview('ringkasan-draf', pdf);
    expectReadablePages(pdfPages(pdf), /Terpenuhi|Sebagian|Tidak terpenuhi/);
  });
});
