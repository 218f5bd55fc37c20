import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config';
import { DEFAULT_LETTERHEADS } from '../../src/infrastructure/config/letterheads';
import { renderBupatiSummaryPdf, renderSemesterReportPdf } from '../../src/modules/reporting/documents';
import { itWithPoppler, pdfText } from '../support/pdf-text';
import { png } from '../support/png';
import { sampleBupatiSummary, sampleSemesterReport } from '../support/report-fixtures';

/*
 * The kop surat: correct defaults for both offices, each line configurable, and the coat of arms from a PNG or
 * JPEG file named by LETTERHEAD_LOGO_FILE, checked at start-up. No coat of arms ships: the test draws one.
 */

const dir = mkdtempSync(join(tmpdir(), 'kop-'));
const file = (name: string, data: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

/** The setting a start-up refusal names. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'started';
}

const imageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0;

describe('The letterheads of the two offices', () => {
  it('default to each office with its address and postcode, telephone, e-mail and website, and no coat of arms', () => {
    const { letterheads } = loadConfig({});
    expect(letterheads).toEqual(DEFAULT_LETTERHEADS);
    for (const office of [letterheads.dinkes, letterheads.disdukcapil]) {
      expect(office.address).toMatch(/Karanganyar.* \d{5}$/);
      expect(office.phone).toMatch(/^\(0271\) \d{6}$/);
      expect(office.email).toMatch(/@karanganyarkab\.go\.id$/);
      expect(office.website).toMatch(/\.karanganyarkab\.go\.id$/);
    }
    expect(letterheads.logo).toBeUndefined();
  });

  it('take each line from its setting', () => {
    const { letterheads } = loadConfig({ LETTERHEAD_DUKCAPIL_ADDRESS: 'Jalan Uji Nomor 1, Karanganyar 57711', LETTERHEAD_DINKES_PHONE: '(0271) 123456' });
    expect(letterheads.disdukcapil.address).toBe('Jalan Uji Nomor 1, Karanganyar 57711');
    expect(letterheads.dinkes.phone).toBe('(0271) 123456');
  });

  it('stop the start naming the setting when the logo file is missing or is not a PNG or JPEG image, or a line is not one line', () => {
    expect(refusal({ LETTERHEAD_LOGO_FILE: join(dir, 'missing.png') })).toMatch(/^LETTERHEAD_LOGO_FILE: cannot read .*missing\.png \(ENOENT\)$/);
    expect(refusal({ LETTERHEAD_LOGO_FILE: file('lambang.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>') })).toMatch(
      /^LETTERHEAD_LOGO_FILE: .*lambang\.svg is not a PNG or JPEG image$/,
    );
    expect(refusal({ LETTERHEAD_LOGO_FILE: dir })).toMatch(/^LETTERHEAD_LOGO_FILE: .* is not a file$/);
    expect(refusal({ LETTERHEAD_DINKES_ADDRESS: 'Jalan Lawu\nNomor 168' })).toMatch(/^LETTERHEAD_DINKES_ADDRESS: must be one line/);
    expect(refusal({ LETTERHEAD_LOGO_FILE: file('lambang.png', png()) })).toBe('started');
    expect(refusal({ LETTERHEAD_LOGO_FILE: file('rusak.png', png().subarray(0, 30)) })).toMatch(
      /^LETTERHEAD_LOGO_FILE: .*rusak\.png cannot be read as an image/,
    );
  });

  it('draw the coat of arms only when one is configured, and the same bytes for the same logo', async () => {
    const report = sampleSemesterReport();
    expect(imageCount(await renderSemesterReportPdf(report))).toBe(0);
    const { letterheads } = loadConfig({ LETTERHEAD_LOGO_FILE: file('lambang.png', png()) });
    const withLogo = await renderSemesterReportPdf(report, letterheads);
    expect(imageCount(withLogo)).toBe(1);
    expect((await renderSemesterReportPdf(report, letterheads)).equals(withLogo)).toBe(true);
    expect(imageCount(await renderBupatiSummaryPdf(sampleBupatiSummary(), letterheads))).toBe(1);
  });

  itWithPoppler('print the government, the office, its address, telephone, e-mail and website on each document', async () => {
    const report = pdfText(await renderSemesterReportPdf(sampleSemesterReport()));
    const summary = pdfText(await renderBupatiSummaryPdf(sampleBupatiSummary()));
    for (const [text, office] of [
      [report, DEFAULT_LETTERHEADS.dinkes],
      [summary, DEFAULT_LETTERHEADS.disdukcapil],
    ] as const) {
      expect(text).toContain('PEMERINTAH KABUPATEN KARANGANYAR');
      expect(text).toContain(office.office);
      expect(text).toContain(office.address);
      expect(text).toContain(`Telepon ${office.phone}, Pos-el ${office.email}`);
      expect(text).toContain(`Laman ${office.website}`);
    }
  });
});
