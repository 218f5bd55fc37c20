import type { Browser } from 'playwright-core';
import { aCurrentReport } from '../support/current-report';
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

/** The semester the console opens on: today's, on the WIB wall clock. */
function thisSemester(now = new Date()) {
  const wib = new Date(now.getTime() + 7 * 3_600_000);
  return { year: wib.getUTCFullYear(), semester: wib.getUTCMonth() < 6 ? 1 : 2 };
}

interface Register {
  party: 'DINKES' | 'DISDUKCAPIL';
  current: { name: string; nip: string; golongan: string; rank: string; position: string; effectiveFrom: string } | null;
  history: unknown[];
}

/**
 * Who signs the documents, kept in the console: each party's administrator records its own signatory
 * (name, NIP, pangkat/golongan, jabatan) and sees the other party's read-only; the Disdukcapil auditor
 * issues the letter number that turns the Bupati summary from a DRAF into a letter.
 */
describeWithChromium('The signatory register and the letter to the Bupati in the console', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  const opened: ConsolePage[] = [];

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startConsoleGateway(), launchChromium()]);
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await browser?.close();
    await gateway?.close();
  });

  async function signedIn(userId: 'admin' | 'auditor'): Promise<ConsolePage> {
    const desk = await openConsole(browser, gateway.url);
    opened.push(desk);
    await signInThroughConsole(desk.page, userId, userId === 'admin' ? gateway.adminPassword : gateway.auditorPassword);
    return desk;
  }

  async function open(desk: ConsolePage, menu: string) {
    await desk.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: menu, exact: true }).click();
    await desk.page.getByRole('heading', { level: 1, name: menu }).waitFor();
  }

  async function register(party: Register['party']): Promise<Register> {
    const answer = await gateway.call('GET', '/v1/signatories', gateway.admin);
    expect(answer.status).toBe(200);
    return (answer.body as Register[]).find((r) => r.party === party)!;
  }

  it('the Dinkes administrator records the head of Dinkes as signatory, and a NIP that cannot be one is explained in Indonesian', async () => {
    const admin = await signedIn('admin');
    await open(admin, 'Penandatangan');
    const { page } = admin;
    await page.getByText('Belum ada penandatangan yang dicatat.').waitFor();
    await screenshot(page, 'signatories-admin-kosong');
    expect(await accessibilityProblems(page)).toEqual([]);

    // A NIP whose birth month is 13: the gateway refuses it and the page says why.
    await page.getByLabel('Nama dan gelar').fill('dr. Purwati, M.Kes.');
    await page.getByLabel('NIP', { exact: true }).fill('19701301 199503 2 004');
    await page.getByLabel('Pangkat/golongan').selectOption({ label: 'Pembina Utama Muda (IV/c)' });
    await page.getByLabel('Jabatan').fill('Kepala Dinas Kesehatan Kabupaten Karanganyar');
    await page.getByRole('button', { name: 'Catat penandatangan' }).click();
    await page.getByRole('alert').getByText('NIP tidak valid.', { exact: false }).waitFor();
    await screenshot(page, 'signatories-admin-nip-salah');
    expect(await accessibilityProblems(page)).toEqual([]);
    expect((await register('DINKES')).history).toEqual([]);

    await page.getByLabel('NIP', { exact: true }).fill('19700512 199503 2 004');
    await page.getByRole('button', { name: 'Catat penandatangan' }).click();
    await page.getByText('dr. Purwati, M.Kes. tercatat sebagai penandatangan Dinas Kesehatan', { exact: false }).waitFor();
    const current = page.locator('section.card').first();
    await current.locator('[data-signatory="197005121995032004"]').getByText('19700512 199503 2 004').waitFor();
    await current.getByText('Pembina Utama Muda (IV/c)').waitFor();
    await page.locator('tr[data-appointment="197005121995032004"]').getByText('oleh admin').waitFor();
    await page.getByText('Penandatangan Disdukcapil (hanya dilihat)').waitFor();
    await screenshot(page, 'signatories-admin-tercatat');
    expect(await accessibilityProblems(page)).toEqual([]);

    await expect(register('DINKES')).resolves.toMatchObject({
      current: {
        name: 'dr. Purwati, M.Kes.',
        nip: '197005121995032004',
        golongan: 'IV/c',
        rank: 'Pembina Utama Muda (IV/c)',
        position: 'Kepala Dinas Kesehatan Kabupaten Karanganyar',
      },
    });
    expect(admin.errors).toEqual([]);
  });

  it('the Disdukcapil auditor records the head of Disdukcapil, sees Dinkes’ signatory read-only, and issues the letter number of the Bupati summary once', async () => {
    const auditor = await signedIn('auditor');
    await open(auditor, 'Penandatangan');
    const { page } = auditor;
    await page.getByLabel('Nama dan gelar').fill('Drs. Suprapto, M.Si.');
    await page.getByLabel('NIP', { exact: true }).fill('196811201994031003');
    await page.getByLabel('Pangkat/golongan').selectOption({ label: 'Pembina Tingkat I (IV/b)' });
    await page.getByLabel('Jabatan').fill('Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar');
    await page.getByRole('button', { name: 'Catat penandatangan' }).click();
    await page.locator('section.card').first().getByText('19681120 199403 1 003').waitFor();
    // The other party's signatory is shown (it is printed on joint documents), and nothing edits it.
    const dinkes = page.locator('section.card').last();
    await dinkes.getByRole('heading', { name: 'Penandatangan Dinas Kesehatan (hanya dilihat)' }).waitFor();
    await dinkes.getByText('dr. Purwati, M.Kes.').waitFor();
    await expect(dinkes.locator('input, select, button').count()).resolves.toBe(0);
    await screenshot(page, 'signatories-auditor-tercatat');
    expect(await accessibilityProblems(page)).toEqual([]);
    await expect(register('DISDUKCAPIL')).resolves.toMatchObject({ current: { name: 'Drs. Suprapto, M.Si.', nip: '196811201994031003', golongan: 'IV/b' } });

    const { year, semester } = thisSemester();
    const summaryOf = async () => {
      const answer = await aCurrentReport(() => gateway.call('GET', `/v1/reports/bupati/${year}/${semester}?format=json`, gateway.auditor), {
        what: 'the Bupati summary',
      });
      expect(answer.status).toBe(200);
      return answer.body as { letter: { number: string } | null; signatories: { disdukcapil: { nip: string } | null } };
    };
    await open(auditor, 'Ringkasan Bupati');
    await page.locator('[data-letter="DRAF"]').waitFor();
    await screenshot(page, 'signatories-auditor-ringkasan-draf');
    expect(await accessibilityProblems(page)).toEqual([]);

    const number = `400.12/77/${year}`;
    await page.getByLabel('Nomor surat').fill(number);
    await page.getByRole('button', { name: 'Terbitkan surat' }).click();
    // Asked first: a number once issued does not change; cancelling issues nothing.
    await page.getByText('Nomor ini tidak dapat diubah sesudahnya.', { exact: false }).waitFor();
    await screenshot(page, 'signatories-auditor-konfirmasi-surat');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Batal' }).click();
    await expect(summaryOf()).resolves.toMatchObject({ letter: null });

    await page.getByRole('button', { name: 'Terbitkan surat' }).click();
    await page.getByRole('button', { name: 'Ya, terbitkan surat' }).click();
    await page.locator(`[data-letter="${number}"]`).getByText(`Nomor ${number}`).waitFor();
    await page.getByRole('heading', { name: 'Pemanfaatan per Puskesmas' }).waitFor();
    await expect(page.getByRole('button', { name: 'Terbitkan surat' }).count()).resolves.toBe(0);
    await screenshot(page, 'signatories-auditor-surat-terbit');
    expect(await accessibilityProblems(page)).toEqual([]);

    const summary = await summaryOf();
    expect(summary.letter).toMatchObject({ number });
    expect(summary.signatories.disdukcapil).toMatchObject({ nip: '196811201994031003' });
    // The number stays: another one is refused by the gateway.
    const again = await gateway.call('POST', `/v1/reports/bupati/${year}/${semester}/letter`, gateway.auditor, { number: `400.12/78/${year}` });
    expect(again).toMatchObject({ status: 409, body: { code: 'BUPATI_LETTER_ALREADY_ISSUED' } });
    expect(auditor.errors).toEqual([]);
  });
});
