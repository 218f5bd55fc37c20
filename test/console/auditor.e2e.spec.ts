import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { until } from '../support/until';
import {
  accessibilityProblems,
  describeWithChromium,
  launchChromium,
  openConsole,
  screenshot,
  signInThroughConsole,
  startConsoleGateway,
  type ConsoleGateway,
  type ConsolePage,
} from '../support/browser';
import { signIn } from '../support/gateway-client';
import { extendFirstAgreement } from '../support/parties';
import { thePuskesmasList } from '../support/fixtures';
import { aCurrentReport } from '../support/current-report';

/**
 * Disdukcapil's auditor and the Bupati's office in a real browser: the compliance dashboard drawn from the
 * gateway's own figures, an evaluation recorded and listed, and the Bupati's semester summary downloaded.
 */
describeWithChromium('The console for the Disdukcapil auditor and the Kantor Bupati', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  let puskesmas: { facilityId: string; code: string };
  const opened: ConsolePage[] = [];

  /** A console page at an office screen, closed after the suite. */
  async function aConsole(): Promise<ConsolePage> {
    const console = await openConsole(browser, gateway.url);
    opened.push(console);
    return console;
  }

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startConsoleGateway(), launchChromium()]);
    const { call, admin, auditor } = gateway;
    await extendFirstAgreement(call, admin, auditor, 'ADD/KONSOL/AUDITOR/1', '2099-12-31');
    puskesmas = (await thePuskesmasList(call, admin)).find((f) => f.kind === 'PUSKESMAS')!;

    // A semester with something to supervise: a clerk's lookups (found, not found), a balikan, card reads.
    const enrolled = await call('POST', '/v1/operators', admin, {
      userId: 'loket.audit',
      password: 'kata-sandi-awal-loket-audit',
      role: 'PUSKESMAS_OPERATOR',
      facilityId: puskesmas.facilityId,
    });
    expect(enrolled.status).toBe(201);
    const clerk = await signIn(call, 'loket.audit', 'kata-sandi-awal-loket-audit');
    const samples = await gateway.samples();
    const found = await call('POST', '/v1/access/nik-lookups', clerk, { nik: samples.found[0], purpose: 'REGISTRATION' });
    expect(found.status).toBe(200);
    expect((await call('POST', '/v1/access/nik-lookups', clerk, { nik: samples.found[1], purpose: 'REGISTRATION' })).status).toBe(200);
    expect((await call('POST', '/v1/access/nik-lookups', clerk, { nik: samples.notFound[0], purpose: 'REGISTRATION' })).status).toBe(404);
    const balikan = await call('POST', '/v1/balikan', clerk, {
      accessId: found.body.accessId,
      nik: samples.found[0],
      verificationToken: found.body.verificationToken,
      bloodType: 'A+',
    });
    expect(balikan.status).toBe(202);
    const reader = await call('POST', `/v1/facilities/${puskesmas.facilityId}/card-readers`, admin, { samSerial: 'SAM-KONSOL-0001' });
    expect(reader.status).toBe(201);
    expect((await call('POST', '/v1/access/card-reads', clerk, { readerId: reader.body.readerId, nik: samples.found[2], fingerprint: 'MATCHED' })).status).toBe(
      200,
    );
    await call('POST', '/v1/access/card-reads', clerk, { readerId: reader.body.readerId, nik: samples.found[3], fingerprint: 'NOT_MATCHED' });
    // A refusal: a card read on a reader that was retired.
    const retired = await call('POST', `/v1/facilities/${puskesmas.facilityId}/card-readers`, admin, { samSerial: 'SAM-KONSOL-0002' });
    expect((await call('POST', `/v1/card-readers/${retired.body.readerId}/retirement`, admin)).status).toBe(201);
    const refused = await call('POST', '/v1/access/card-reads', clerk, { readerId: retired.body.readerId, nik: samples.found[4], fingerprint: 'MATCHED' });
    expect(refused.body.code).toBe('CARD_READER_RETIRED');
    // The views settle before a page is compared with them: the refusal is the last event above (projected in
    // order, so every access before it is counted), and the one balikan is delivered in the background.
    await until(
      async () => {
        const row = (await call('GET', '/v1/compliance/obligations', gateway.auditor)).body.puskesmas.find((p: { code: string }) => p.code === puskesmas.code);
        return row.refusals >= 1 && row.balikan.accessesWithBalikanDelivered >= 1;
      },
      { what: 'the compliance views to show the set-up, its balikan delivered' },
    );
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await browser?.close();
    await gateway?.close();
  });

  it("the auditor signs in and sees the compliance dashboard drawn, its figures the gateway's own", async () => {
    const { page, errors } = await aConsole();
    await page.getByLabel('ID pengguna').fill('auditor');
    await page.getByLabel('Kata sandi', { exact: true }).fill(gateway.auditorPassword);
    const started = Date.now();
    const clickedAt = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.waitForFunction(() => performance.getEntriesByName('dasbor-kepatuhan-digambar').length > 0);
    const wall = Date.now() - started;
    const timings = await page.evaluate((t0) => {
      const drawn = performance.getEntriesByName('dasbor-kepatuhan-digambar')[0]!.startTime;
      const calls = performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/v1/')) as PerformanceResourceTiming[];
      const signedIn = calls.find((e) => e.name.endsWith('/v1/auth/login'))!.responseEnd;
      const answered = Math.max(...calls.filter((e) => e.name.includes('/v1/compliance/')).map((e) => e.responseEnd));
      return { total: drawn - t0, signIn: signedIn - t0, views: answered - signedIn, drawing: drawn - answered };
    }, clickedAt);
    const ms = (n: number) => `${Math.round(n)} ms`;
    console.log(
      `Dashboard first render, sign-in click to every chart drawn: ${ms(timings.total)} in the page (${wall} ms wall time in the test): ` +
        `sign-in answered ${ms(timings.signIn)}, the six compliance views ${ms(timings.views)}, drawing ${ms(timings.drawing)}`,
    );

    await page.getByRole('heading', { name: 'Dasbor kepatuhan', level: 1 }).waitFor();
    // Six charts, each drawn, each an image with a name, each next to its figures as text.
    const charts = page.locator('canvas');
    await expect(charts.count()).resolves.toBe(6);
    for (const chart of await charts.all()) {
      await expect(chart.getAttribute('data-drawn')).resolves.toBe('true');
      await expect(chart.getAttribute('aria-label')).resolves.toMatch(/\w/);
    }
    // The auditor's menu opens on the dashboard; none of the front desk's or the Bupati's pages is offered.
    const menu = await page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allTextContents();
    expect(menu.slice(0, 2)).toEqual(['Dasbor kepatuhan', 'Evaluasi']);
    expect(menu).not.toContain('Cari NIK');
    expect(menu).not.toContain('Ringkasan semester');

    // The figures shown are the API's: the Puskesmas row of the obligations view, and the balikan backlog.
    const obligations = (await gateway.call('GET', '/v1/compliance/obligations', gateway.auditor)).body;
    const own = obligations.puskesmas.find((p: { code: string }) => p.code === puskesmas.code);
    expect(own.accesses).toBeGreaterThanOrEqual(4);
    const row = page.locator('[data-view="per-puskesmas"] tbody tr').filter({ has: page.getByRole('cell', { name: puskesmas.code, exact: true }) });
    const cells = await row.locator('td').allTextContents();
    expect(cells[2]).toBe(String(own.accesses));
    expect(cells[4]).toBe(`${own.balikan.accessesWithBalikanDelivered} / ${own.balikan.accessesOwingBalikan}`);
    expect(cells[6]).toBe(String(own.refusals));
    const backlog = (await gateway.call('GET', '/v1/compliance/balikan-backlog', gateway.auditor)).body as { total: number }[];
    const owed = backlog.reduce((s, b) => s + b.total, 0);
    await expect(page.locator('[data-view="backlog-summary"]').textContent()).resolves.toContain(`Seluruhnya ${owed} akses`);
    const refusals = (await gateway.call('GET', '/v1/compliance/refusals', gateway.auditor)).body;
    expect(refusals.byReason).toEqual([expect.objectContaining({ reason: 'CARD_READER_RETIRED', count: 1 })]);
    await expect(page.locator('[data-view="refusals"]').textContent()).resolves.toContain('Card reader sudah tidak digunakan');

    await screenshot(page, 'auditor-dasbor-kepatuhan');
    expect(await accessibilityProblems(page)).toEqual([]);

    // On a tablet held upright the dashboard is one column, nothing wider than the screen.
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.locator('nav a').first().waitFor();
    // Chart.js redraws on a ResizeObserver callback, a frame or two after the viewport changed: wait for the layout.
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 800).catch(() => undefined);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(800);
    await screenshot(page, 'auditor-dasbor-kepatuhan-tablet');
    expect(errors).toEqual([]);
  });

  it('the auditor records an evaluation, is told when a note holds what looks like a NIK, and sees it listed', async () => {
    const { page, errors, apiAnswers } = await aConsole();
    await signInThroughConsole(page, 'auditor', gateway.auditorPassword);
    await page.getByRole('link', { name: 'Evaluasi' }).click();
    await page.getByRole('heading', { name: 'Catat evaluasi' }).waitFor();
    await page.getByText('Belum ada evaluasi yang tercatat.').waitFor();

    const balikan = page.getByRole('group', { name: /Menyampaikan data balikan/ });
    await balikan.getByLabel('Temuan').selectOption('PARTIAL');
    await balikan.getByLabel('Catatan').fill('Tunggakan atas NIK 3313014101900001 belum dikirim');
    await page
      .getByRole('group', { name: /jaringan tertutup/ })
      .getByLabel('Temuan')
      .selectOption('MET');
    await page.getByRole('button', { name: 'Catat evaluasi' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('tidak boleh memuat data pribadi');
    expect(apiAnswers.filter((r) => r.url().endsWith('/v1/evaluations') && r.request().method() === 'POST').map((r) => r.status())).toEqual([422]);

    await balikan.getByLabel('Catatan').fill('Satu Puskesmas menunggak balikan lebih dari 7 hari');
    await page.getByRole('button', { name: 'Catat evaluasi' }).click();
    await page.getByText('Evaluasi tercatat').waitFor();
    const listed = page.locator('[data-view="evaluations"] tbody tr');
    await listed.first().waitFor();
    await expect(listed.first().textContent()).resolves.toContain('Satu Puskesmas menunggak balikan lebih dari 7 hari');
    await screenshot(page, 'auditor-evaluasi');
    expect(await accessibilityProblems(page)).toEqual([]);

    // The gateway recorded it as the auditor meant it.
    const evaluations = (await gateway.call('GET', '/v1/evaluations', gateway.auditor)).body as any[];
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ kind: 'PERIODIC', year: expect.any(Number), semester: expect.any(Number) });
    expect(evaluations[0].findings.map((f: any) => [f.obligation, f.finding, f.note])).toEqual([
      ['BALIKAN', 'PARTIAL', 'Satu Puskesmas menunggak balikan lebih dari 7 hari'],
      ['CLOSED_NETWORK', 'MET', null],
    ]);
    await expect(listed.first().getAttribute('data-evaluation')).resolves.toBe(evaluations[0].evaluationId);
    expect(errors).toEqual([]);
  });

  it('the Kantor Bupati, enrolled by the auditor, sees only its semester summary and downloads the PDF', async () => {
    const enrolled = await gateway.call('POST', '/v1/operators', gateway.auditor, {
      userId: 'kantor.bupati',
      password: 'kata-sandi-awal-bupati-1',
      role: 'BUPATI_OFFICE',
    });
    expect(enrolled.status).toBe(201);
    const { page, errors } = await aConsole();
    await signInThroughConsole(page, 'kantor.bupati', 'kata-sandi-awal-bupati-1', 'kata-sandi-baru-kantor-bupati-karanganyar');
    await expect(page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allTextContents()).resolves.toEqual(['Ringkasan semester']);
    await page.getByRole('heading', { name: 'Ringkasan semester', level: 1 }).waitFor();
    const figures = page.locator('[data-view="key-figures"]');
    await figures.waitFor();

    const now = new Date(Date.now() + 7 * 3_600_000);
    const [year, semester] = [now.getUTCFullYear(), now.getUTCMonth() < 6 ? 1 : 2];
    const summary = (
      await aCurrentReport(() => gateway.call('GET', `/v1/reports/bupati/${year}/${semester}?format=json`, gateway.auditor), {
        what: 'the Bupati summary',
        status: 200,
      })
    ).body;
    await expect(figures.textContent()).resolves.toContain(`Akses data kependudukan${summary.totals.total}`);
    await expect(page.locator('[data-view="evaluations"]').textContent()).resolves.toContain('Satu Puskesmas menunggak balikan');
    await screenshot(page, 'bupati-ringkasan-semester');
    expect(await accessibilityProblems(page)).toEqual([]);

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh PDF' }).click()]);
    expect(pdf.suggestedFilename()).toBe(`ringkasan-bupati-${year}-semester-${semester}.pdf`);
    expect(
      readFileSync(await pdf.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(errors).toEqual([]);
  });
});
