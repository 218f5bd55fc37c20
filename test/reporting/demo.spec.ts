import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePopulation } from '../../src/infrastructure/registry/simulator/population';
import { startRegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { semesterOf } from '../../src/modules/reporting/semester/semester';
import { describeWithPoppler, pdfText } from '../support/pdf-text';
import { distPath, runScriptWhileProgressing } from '../support/processes';
import { JEST_HANG_GUARD_MS } from '../support/until';
import { deathCertificateNumber, officeDays, semesterStart } from '../../scripts/demo-schedule';

/**
 * `npm run demo` as a newcomer runs it: a whole semester driven through the HTTP API of the real service
 * process, from an empty embedded store. Then the CLI re-renders the report from the same store: the same
 * figures give the very bytes that were submitted, and so does a rebuild of the read models from the log.
 */
describeWithPoppler('The demo, and re-checking what it submitted', () => {
  const out = mkdtempSync(join(tmpdir(), 'nik-demo-'));
  const env = { DATA_DIR: join(out, 'demo-data'), DATABASE_URL: '', LOG_LEVEL: 'error' };
  const { year, semester } = semesterOf(new Date());
  // The CLI prints at its end only: waited for while it uses CPU time or prints, never against a budget.
  const watched = (script: string, args: string[]) =>
    runScriptWhileProgressing(script, args, env, { what: `${script.split('/').pop()} ${args[0]}`, stallMs: 60_000, cpu: true });
  const cli = (...args: string[]) => watched(distPath('src', 'cli.js'), args);
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
    // A whole semester takes minutes, more on a busy machine: waited for while it moves (a step at least
    // every 90 s), never against a budget for the whole.
    demo = await runScriptWhileProgressing(
      distPath('scripts', 'demo.js'),
      [],
      { DEMO_OUT_DIR: out, DEMO_PROGRESS_FILE: join(out, 'progress.txt') },
      { what: 'the demo', stallMs: 90_000, progressFile: join(out, 'progress.txt') },
    );
  }, JEST_HANG_GUARD_MS);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it(
    'drives all 21 Puskesmas through a semester and writes the report and the Bupati summary',
    async () => {
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
      // Signed by the head of Dinkes the Dinkes administrator recorded; the summary is Disdukcapil's numbered letter, signed by its head.
      expect(text).toContain('dr. Purwati, M.Kes.');
      const summary = pdfText(join(out, `ringkasan-bupati-${semester}-${year}.pdf`));
      expect(summary).toContain(`400.12/${semester === 1 ? 215 : 487}/${year}`);
      expect(summary).not.toContain('DRAF');
      expect(summary).toContain('Suryanto, S.Sos., M.M.');
      const report = JSON.parse(readFileSync((await exportReport('json')).file, 'utf8'));
      expect(report.perPuskesmas.filter((p: { accesses: { total: number } }) => p.accesses.total > 0)).toHaveLength(21);
      expect(report.balikan.accessesWithBalikanDelivered).toBe(report.balikan.accessesWithBalikanSubmitted); // the outage is over: every balikan arrived
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(join(out, `laporan-semester-${semester}-${year}.xlsx`));
      expect(book.getWorksheet('Ringkasan')!.getCell('B8').value).toBe(report.totals.total);
    },
    JEST_HANG_GUARD_MS,
  );

  it(
    'leaves no NIK, KK number, name, birth date or address of the people it served, and no balikan value, in any table, event or log line, in any encoding',
    async () => {
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
        ...Array.from({ length: 400 }, (_, i) => [`RM-${100000 + i}`, `474.3/${1000 + i}/KRA/${year}`]).flat(),
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
    },
    JEST_HANG_GUARD_MS,
  );

  it(
    'keeps the submitted PDF, whose SHA-256 anyone can re-check, and renders the same bytes again from the same store, also after a rebuild of the read models',
    async () => {
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
    },
    JEST_HANG_GUARD_MS,
  );

  it(
    'spreads the visits over every month of the semester up to now, in office hours WIB, and none in the future',
    async () => {
      const sql = (query: string) => watched(distPath('test', 'support', 'store-sql.js'), [query]);
      const until = new Date();
      const months = [...new Set(officeDays(semesterStart(year, semester), until).map((d) => d.day.slice(0, 7)))];
      const report = JSON.parse(readFileSync((await exportReport('json')).file, 'utf8'));
      const withAccesses = report.perMonth.filter((m: { accesses: { total: number } }) => m.accesses.total > 0).map((m: { month: string }) => m.month);
      expect(withAccesses).toEqual(months);
      const accessTypes = `type IN ('NikLookupPerformed', 'CardReadRecorded')`;
      const run = await sql(
        `SELECT max(occurred_at) AS latest,
              count(*) FILTER (WHERE ${accessTypes}
                AND (extract(isodow FROM occurred_at AT TIME ZONE 'Asia/Jakarta') = 7
                  OR (occurred_at AT TIME ZONE 'Asia/Jakarta')::time NOT BETWEEN '07:30' AND '14:05')) AS outside_office_hours,
              count(*) FILTER (WHERE ${accessTypes}) AS accesses
       FROM es_events WHERE occurred_at < now() - interval '1 hour'`,
      );
      expect(run.code).toBe(0);
      const [row] = JSON.parse(run.stdout);
      expect(Number(row.accesses)).toBeGreaterThan(100); // most of the semester lies before the last hour
      expect(Number(row.outside_office_hours)).toBe(0);
      const latest = JSON.parse((await sql(`SELECT max(occurred_at) AS latest FROM es_events`)).stdout)[0].latest;
      expect(new Date(latest).getTime()).toBeLessThanOrEqual(Date.now());
    },
    JEST_HANG_GUARD_MS,
  );

  it('writes death certificate numbers whose year is the year they were recorded in', () => {
    for (const day of officeDays(semesterStart(year, semester), new Date())) {
      expect(deathCertificateNumber(1234, day.opens)).toBe(`474.3/1234/KRA/${year}`);
    }
    // The last minute of a year in WIB is still that year, though it is the next one in UTC... and the other way round.
    expect(deathCertificateNumber(1, new Date('2026-12-31T23:59:00+07:00'))).toBe('474.3/1/KRA/2026');
    expect(deathCertificateNumber(1, new Date('2027-01-01T00:30:00+07:00'))).toBe('474.3/1/KRA/2027');
  });
});
