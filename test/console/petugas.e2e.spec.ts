import type { Browser } from 'playwright-core';
import {
  accessibilityProblems,
  describeWithChromium,
  launchChromium,
  openConsole,
  screenshot,
  signInThroughConsole,
  startConsoleGateway,
  tracesOf,
  type ConsoleGateway,
  type ConsolePage,
} from '../support/browser';
import { extendFirstAgreement } from '../support/parties';
import { thePuskesmasList } from '../support/fixtures';
import { until } from '../support/until';

/**
 * The front desk of a Puskesmas in a real browser: a clerk's first sign-in, a NIK lookup showing the nine
 * fields, the data balikan for that access, every outcome in plain Indonesian, and nothing of the patient
 * left in the browser once the clerk signs out or walks away.
 */
describeWithChromium('The console at the front desk of a Puskesmas', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  let samples: Awaited<ReturnType<ConsoleGateway['samples']>>;
  let facilityId: string;
  let clerks = 0;
  const opened: ConsolePage[] = [];

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startConsoleGateway(), launchChromium()]);
    await extendFirstAgreement(gateway.call, gateway.admin, gateway.auditor, 'ADD/KONSOL/1', '2099-12-31');
    facilityId = (await thePuskesmasList(gateway.call, gateway.admin)).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    samples = await gateway.samples();
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await browser?.close();
    await gateway?.close();
  });

  /** A clerk enrolled by the Dinkes administrator, signed in through the console (first password changed there). */
  async function aClerkAtTheDesk(options: { clock?: boolean } = {}): Promise<ConsolePage> {
    const userId = `loket.konsol${++clerks}`;
    const enrolled = await gateway.call('POST', '/v1/operators', gateway.admin, {
      userId,
      password: 'kata-sandi-awal-loket-1',
      role: 'PUSKESMAS_OPERATOR',
      facilityId,
    });
    expect(enrolled.status).toBe(201);
    const desk = await openConsole(browser, gateway.url, options);
    opened.push(desk);
    await signInThroughConsole(desk.page, userId, 'kata-sandi-awal-loket-1', 'kata-sandi-baru-loket-karanganyar');
    return desk;
  }

  async function lookUp(desk: ConsolePage, nik: string) {
    await desk.page.getByLabel('NIK', { exact: true }).fill(nik);
    await desk.page.getByRole('button', { name: 'Cari' }).click();
  }

  it('a clerk signs in for the first time, must change the password, then looks a patient up and sees the fields the agreement grants', async () => {
    // The page itself is never stored, not even for "Back" (Playwright's Chromium has no back-forward cache to test that with).
    const consolePage = await fetch(`${gateway.url}/`);
    expect([consolePage.status, consolePage.headers.get('cache-control')]).toEqual([200, 'no-store']);
    expect(consolePage.headers.get('content-security-policy')).toMatch(/script-src 'self';/);

    const desk = await openConsole(browser, gateway.url);
    opened.push(desk);
    const { page } = desk;
    await screenshot(page, 'masuk');
    expect(await accessibilityProblems(page)).toEqual([]);

    await gateway.call('POST', '/v1/operators', gateway.admin, {
      userId: 'loket.pertama',
      password: 'kata-sandi-awal-loket-1',
      role: 'PUSKESMAS_OPERATOR',
      facilityId,
    });
    await page.getByLabel('ID pengguna').fill('loket.pertama');
    await page.getByLabel('Kata sandi', { exact: true }).fill('kata-sandi-awal-loket-1');
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByText('ganti kata sandi awal Anda').waitFor();
    await screenshot(page, 'ganti-kata-sandi');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel('Kata sandi saat ini').fill('kata-sandi-awal-loket-1');
    await page.getByLabel('Kata sandi baru', { exact: true }).fill('kata-sandi-baru-loket-karanganyar');
    await page.getByLabel('Ulangi kata sandi baru').fill('kata-sandi-baru-loket-karanganyar');
    await page.getByRole('button', { name: 'Simpan kata sandi' }).click();
    await page.getByRole('heading', { name: 'Cari NIK' }).waitFor();
    // The front desk's own pages, and none of an administrator's, auditor's or the Bupati's office.
    expect(await page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allTextContents()).toEqual(['Cari NIK', 'Baca KTP-el', 'Status balikan']);

    await lookUp(desk, samples.found[0]!);
    const person = page.locator('[data-person]');
    await person.waitFor();
    for (const label of ['NIK', 'Nomor KK', 'Nama lengkap', 'Jenis kelamin', 'Tempat lahir', 'Tanggal lahir', 'Pekerjaan', 'Status perkawinan', 'Alamat'])
      await expect(person.getByText(label, { exact: true }).count()).resolves.toBe(1);
    await expect(person.textContent()).resolves.toContain(samples.found[0]!);
    await screenshot(page, 'petugas-cari-nik');
    expect(await accessibilityProblems(page)).toEqual([]);

    // What carried the person was answered no-store, and the page logged no error (no CSP violation).
    const lookups = desk.apiAnswers.filter((r) => r.url().endsWith('/v1/access/nik-lookups'));
    expect(lookups.map((r) => [r.status(), r.headers()['cache-control']])).toEqual([[200, 'no-store']]);
    expect(desk.errors).toEqual([]);
  });

  it('a clerk sends the data balikan for the access just made and is told it was accepted', async () => {
    const desk = await aClerkAtTheDesk();
    await lookUp(desk, samples.found[1]!);
    await desk.page.locator('[data-person]').waitFor();
    await desk.page.getByLabel('Nomor rekam medis').fill('RM-0001234');
    await desk.page.getByLabel('Golongan darah').selectOption('O+');
    await desk.page.getByRole('button', { name: 'Kirim data balikan' }).click();
    await desk.page.getByText('Data balikan diterima').waitFor();
    await screenshot(desk.page, 'petugas-balikan-terkirim');
    const sent = desk.apiAnswers.filter((r) => r.url().endsWith('/v1/balikan'));
    expect(sent.map((r) => r.status())).toEqual([202]);
    expect(desk.errors).toEqual([]);
  });

  it('every outcome of a lookup is explained in plain Indonesian: not found, deceased, a NIK that cannot exist', async () => {
    const desk = await aClerkAtTheDesk();
    const { page } = desk;
    await lookUp(desk, samples.notFound[0]!);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('NIK tidak ditemukan di database kependudukan');
    await lookUp(desk, `00${samples.found[0]!.slice(2)}`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('bukan kode provinsi');
    await lookUp(desk, samples.deceased[0]!);
    await page.getByText('tercatat meninggal dunia').first().waitFor();
    await screenshot(page, 'petugas-meninggal');
  });

  it('after a lookup, signing out leaves nothing of the patient in the browser: not in the page, the URL, any storage or cache', async () => {
    const desk = await aClerkAtTheDesk();
    const nik = samples.found[2]!;
    await lookUp(desk, nik);
    const person = desk.page.locator('[data-person]');
    await person.waitFor();
    const shown = (await person.locator('dd').allTextContents()).filter((v) => v.length >= 4);
    expect(shown.length).toBeGreaterThanOrEqual(5);
    expect(await tracesOf(desk.page, [nik, ...shown])).not.toEqual([]); // the check can see them while shown

    await desk.page.getByRole('button', { name: 'Keluar' }).click();
    await desk.page.getByText('Anda telah keluar').waitFor();
    expect(await tracesOf(desk.page, [nik, ...shown])).toEqual([]);
    // The session ended on the gateway too: its token is refused. The screen is cleared before the gateway answers, so wait for the answer.
    await until(() => desk.apiAnswers.some((r) => r.url().endsWith('/v1/auth/logout')), { what: 'the sign-out answered' });
    const signedOut = desk.apiAnswers.filter((r) => r.url().endsWith('/v1/auth/logout'));
    expect(signedOut.map((r) => r.status())).toEqual([204]);
  });

  it('after a lookup, ten idle minutes sign the clerk out and clear the screen', async () => {
    const desk = await aClerkAtTheDesk({ clock: true });
    const nik = samples.found[3]!;
    await lookUp(desk, nik);
    const person = desk.page.locator('[data-person]');
    await person.waitFor();
    const shown = (await person.locator('dd').allTextContents()).filter((v) => v.length >= 4);

    await desk.page.clock.fastForward('09:00');
    await expect(person.count()).resolves.toBe(1); // nine minutes: still there
    await desk.page.clock.fastForward('01:05');
    await desk.page.getByText('dikeluarkan otomatis').waitFor();
    await screenshot(desk.page, 'keluar-otomatis');
    expect(await tracesOf(desk.page, [nik, ...shown])).toEqual([]);
  });

  async function openPage(desk: ConsolePage, title: string) {
    await desk.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: title }).click();
    await desk.page.getByRole('heading', { name: title, level: 1 }).waitFor();
  }

  it('a clerk reads a KTP-el with a matched fingerprint and sees the patient; an unmatched fingerprint is refused and explained', async () => {
    const reader = await gateway.call('POST', `/v1/facilities/${facilityId}/card-readers`, gateway.admin, { samSerial: 'SAM-KONSOL-1' });
    expect(reader.status).toBe(201);
    const desk = await aClerkAtTheDesk();
    const { page } = desk;
    await openPage(desk, 'Baca KTP-el');
    const read = async (nik: string, fingerprint: string) => {
      await page.getByLabel('ID alat pembaca KTP-el').fill(reader.body.readerId);
      await page.getByLabel('NIK dari chip KTP-el').fill(nik);
      await page.getByLabel('Hasil pemeriksaan sidik jari').selectOption(fingerprint);
      await page.getByRole('button', { name: 'Proses KTP-el' }).click();
    };

    await read(samples.found[4]!, 'MATCHED');
    const person = page.locator('[data-person]');
    await person.waitFor();
    await expect(person.textContent()).resolves.toContain(samples.found[4]!);
    await page.getByRole('button', { name: 'Kirim data balikan' }).waitFor(); // the same balikan form as the lookup
    await screenshot(page, 'petugas-baca-ktp-el');
    expect(await accessibilityProblems(page)).toEqual([]);

    await read(samples.found[0]!, 'NOT_MATCHED');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Sidik jari tidak cocok dengan KTP-el');
    await expect(person.count()).resolves.toBe(0);
    await screenshot(page, 'petugas-sidik-jari-tidak-cocok');
    expect(await accessibilityProblems(page)).toEqual([]);
    // Both reads were recorded by the gateway through the card-read route, the second refused.
    const reads = desk.apiAnswers.filter((r) => r.url().endsWith('/v1/access/card-reads'));
    expect(reads.map((r) => r.status())).toEqual([200, 422]);
    expect(desk.errors).toEqual([]);
  });

  it('the status page lists the balikan the clerk sent in this session, with its delivery status in Indonesian', async () => {
    const desk = await aClerkAtTheDesk();
    const { page } = desk;
    await openPage(desk, 'Status balikan');
    await page.getByText('Belum ada data balikan yang dikirim dalam sesi ini').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);

    await openPage(desk, 'Cari NIK');
    await lookUp(desk, samples.found[1]!);
    await page.locator('[data-person]').waitFor();
    await page.getByLabel('Golongan darah').selectOption('A+');
    await page.getByRole('button', { name: 'Kirim data balikan' }).click();
    await page.getByText('Data balikan diterima').waitFor();
    const balikanId = (await page.getByRole('status').locator('code').textContent())!;

    // The gateway delivers it; the page then shows it delivered.
    await until(async () => (await gateway.call('GET', `/v1/balikan/${balikanId}`, gateway.admin)).body.status === 'DELIVERED', {
      what: 'the balikan delivered',
      timeoutMs: 60_000,
    });
    await openPage(desk, 'Status balikan');
    const row = page.locator(`[data-balikan="${balikanId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('golongan darah');
    await row.getByText('Terkirim ke Disdukcapil').waitFor();
    await screenshot(page, 'petugas-status-balikan');
    expect(await accessibilityProblems(page)).toEqual([]);

    // A balikan id typed in that the gateway does not know is explained.
    await page.getByLabel('Nomor balikan').fill('00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: 'Cari status' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Data balikan tidak ditemukan');

    // Signing out ends the session's list: nothing of it is left on the page or in any storage.
    await page.getByRole('button', { name: 'Keluar' }).click();
    await page.getByText('Anda telah keluar').waitFor();
    expect(await tracesOf(page, [balikanId])).toEqual([]);
    expect(desk.errors).toEqual([]);
  });
});
