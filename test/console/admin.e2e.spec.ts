import type { Browser } from 'playwright-core';
import {
  accessibilityProblems,
  launchChromium,
  openConsole,
  screenshot,
  signInThroughConsole,
  startConsoleGateway,
  type ConsoleGateway,
  type ConsolePage,
} from '../support/browser';

/**
 * The Dinkes administrator's console in a real browser: the agreement both parties keep (an extension
 * proposed by Dinkes and confirmed by Disdukcapil, each in their own browser), the Puskesmas' card readers,
 * the accounts of Dinkes, the balikan backlog and the semester report.
 */
describe('The console of the Dinkes administrator', () => {
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

  it('the administrator proposes extending the expired agreement by addendum, the auditor confirms it in another browser, and the agreement is in force again', async () => {
    const admin = await signedIn('admin');
    await open(admin, 'Perjanjian');
    const agreement = admin.page.locator('section.card').first();
    await agreement.getByText('Berakhir', { exact: true }).waitFor();
    await agreement.getByText('Nomor KK').first().waitFor();
    await screenshot(admin.page, 'admin-perjanjian-berakhir');
    expect(await accessibilityProblems(admin.page)).toEqual([]);

    await admin.page.getByLabel('Nomor adendum').fill('ADD/KONSOL/2026');
    await admin.page.getByLabel('Berlaku sampai').fill('2099-12-31');
    await admin.page.getByRole('button', { name: 'Usulkan perpanjangan' }).click();
    await admin.page.getByText('Usulan perpanjangan dengan adendum ADD/KONSOL/2026 tercatat').waitFor();
    const pending = admin.page.locator('tr[data-change]');
    await pending.getByText('Perpanjangan dengan adendum ADD/KONSOL/2026, berlaku sampai 31 Desember 2099').waitFor();
    await pending.getByText('Menunggu konfirmasi Disdukcapil').waitFor();
    await expect(pending.getByRole('button', { name: 'Setujui' }).count()).resolves.toBe(0); // Dinkes cannot confirm its own proposal
    await screenshot(admin.page, 'admin-perjanjian-menunggu');
    expect(await accessibilityProblems(admin.page)).toEqual([]);

    const auditor = await signedIn('auditor');
    await open(auditor, 'Perjanjian');
    const proposal = auditor.page.locator('tr[data-change]');
    await proposal.getByText('Perpanjangan dengan adendum ADD/KONSOL/2026').waitFor();
    await proposal.getByText('Dinkes').waitFor();
    await screenshot(auditor.page, 'auditor-perjanjian-menunggu');
    expect(await accessibilityProblems(auditor.page)).toEqual([]);
    await proposal.getByRole('button', { name: 'Setujui' }).click();
    await auditor.page.getByText('Tidak ada perubahan yang menunggu.').waitFor();
    await auditor.page.locator('section.card').first().getByText('Berlaku', { exact: true }).waitFor();

    await admin.page.getByRole('button', { name: 'Muat ulang' }).click();
    await agreement.getByText('Berlaku', { exact: true }).waitFor();
    await agreement.getByText('Adendum ADD/KONSOL/2026: berlaku sampai 31 Desember 2099').waitFor();
    await expect(agreement.locator('[data-valid-until]').getAttribute('data-valid-until')).resolves.toBe('2099-12-31');
    await screenshot(admin.page, 'admin-perjanjian-berlaku');

    const recorded = (await gateway.call('GET', '/v1/agreements', gateway.admin)).body[0];
    expect(recorded).toMatchObject({ status: 'ACTIVE', validUntil: '2099-12-31', addenda: [{ addendumNumber: 'ADD/KONSOL/2026', validUntil: '2099-12-31' }] });
    expect(admin.errors).toEqual([]);
    expect(auditor.errors).toEqual([]);
  });
});
