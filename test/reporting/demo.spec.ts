import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePopulation } from '../../src/infrastructure/registry/simulator/population';
import { startRegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { semesterOf } from '../../src/modules/reporting/semester/semester';
import { describeWithPoppler, pdfText } from '../support/pdf-text';
import { distPath, runScript } from '../support/processes';

/**
 * `npm run demo` as a newcomer runs it: a whole semester driven through the HTTP API of the real service
 * process, from an empty embedded store. Then the CLI re-renders the report from the same store: the same
 * figures give the very bytes that were submitted, and so does a rebuild of the read models from the log.
 */
describeWithPoppler('The demo, and re-checking what it submitted', () => {
  const out = mkdtempSync(join(tmpdir(), 'nik-demo-'));
  const env = { DATA_DIR: join(out, 'demo-data'), DATABASE_URL: '', LOG_LEVEL: 'error' };
  const { year, semester } = semesterOf(new Date());
  const cli = (...args: string[]) => runScript(distPath('src', 'cli.js'), args, env);
  const exportReport = async (format: string) => {
    const file = join(out, `export-${Date.now()}.${format}`);
    const run = await cli('report:export', '--year', String(year), '--semester', String(semester), '--format', format, '--to', file);
    expect(run.code).toBe(0);
    return { file, sha256: /sha256 ([0-9a-f]{64})/.exec(run.stdout)![1] };
  };
  let demo: { code: number | null; stdout: string; stderr: string };

  let samples: { found: string[]; deceased: string[]; outsideRegency: string[]; notFound: string[] };

  beforeAll(async () => {
    // The demo's simulator is seeded: the same people it serves (a simulator of our own only names them).
    const simulator = await startRegistrySimulator();
    samples = simulator.samples;
    await simulator.stop();
    demo = await runScript(distPath('scripts', 'demo.js'), [], { DEMO_OUT_DIR: out });
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('drives all 21 Puskesmas through a semester and writes the report and the Bupati summary', async () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/Enrolled 21 Puskesmas operators/);
    for (const name of [
      `laporan-semester-${semester}-${year}.pdf`,
      `laporan-semester-${semester}-${year}.xlsx`,
      `laporan-semester-${semester}-${year}.csv`,
      `ringkasan-bupati-${semester}-${year}.pdf`,
      `ringkasan-bupati-${semester}-${year}.xlsx`,
    ]) {
      expect(existsSync(join(out, name))).toBe(true);
    }
    const text = pdfText(join(out, `laporan-semester-${semester}-${year}.pdf`));
    expect(text).toMatch(new RegExp(`SEMESTER ${semester === 1 ? 'I' : 'II'}\\s+TAHUN ${year}`));
    expect(text).toContain('473.3/2271.12/IX/2022');
    expect(text).toContain('Puskesmas Jenawi');
    const report = JSON.parse(readFileSync((await exportReport('json')).file, 'utf8'));
    expect(report.perPuskesmas.filter((p: { accesses: { total: number } }) => p.accesses.total > 0)).toHaveLength(21);
    expect(report.balikan.delivered).toBe(report.balikan.submitted); // the outage is over: every balikan arrived
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, `laporan-semester-${semester}-${year}.xlsx`));
    expect(book.getWorksheet('Ringkasan')!.getCell('B8').value).toBe(report.totals.total);
  }, 60_000);

  it('leaves no NIK, KK number, name, birth date or address of the people it served, and no balikan value, in any table, event or log line, in any encoding', async () => {
    const bySample = new Map(generatePopulation().map((p) => [p.nik, p]));
    const served = [...samples.found, ...samples.deceased, ...samples.outsideRegency].map((nik) => bySample.get(nik)!);
    const values = [
      ...samples.notFound,
      ...served.flatMap((p) => [
        p.nik,
        p.kk,
        p.name,
        p.birthDate,
        p.birthDate.split('-').reverse().join('-'),
        `${p.street} RT ${p.rt}`,
        p.extra.NAMA_LGKP_IBU as string,
      ]),
      ...Array.from({ length: 400 }, (_, i) => [`RM-${100000 + i}`, `474.3/${1000 + i}/KRA/2025`]).flat(),
    ];
    const file = join(out, 'values.txt');
    writeFileSync(file, values.join('\n'));
    const scan = await cli('privacy:scan', file);
    expect(JSON.parse(scan.stdout)).toMatchObject({ found: [], values: values.length });
    expect(scan.code).toBe(0);
    const log = readFileSync(join(out, 'demo-gateway.log'), 'utf8');
    expect(log.split('\n').length).toBeGreaterThan(500); // debug level: every request, registry call and delivery
    const leaks = values
      .flatMap((v) => [v, JSON.stringify(v).slice(1, -1), Buffer.from(v).toString('base64'), Buffer.from(v).toString('hex')])
      .filter((form) => log.includes(form));
    expect(leaks).toEqual([]);
  }, 120_000);

  it('keeps the submitted PDF, whose SHA-256 anyone can re-check, and renders the same bytes again from the same store, also after a rebuild of the read models', async () => {
    const submitted = /SHA-256 ([0-9a-f]{64})/.exec(demo.stdout)![1];
    const archived = readFileSync(join(out, `laporan-semester-${semester}-${year}-disampaikan.pdf`));
    expect(createHash('sha256').update(archived).digest('hex')).toBe(submitted);
    const before = await exportReport('json');
    const pdf = (await exportReport('pdf')).sha256;
    expect((await exportReport('pdf')).sha256).toBe(pdf);
    const rebuild = await cli('projections:rebuild', 'reporting');
    expect(rebuild.code).toBe(0);
    const after = await exportReport('json');
    expect(readFileSync(after.file, 'utf8')).toBe(readFileSync(before.file, 'utf8'));
    expect((await exportReport('pdf')).sha256).toBe(pdf);
  }, 120_000);
});
