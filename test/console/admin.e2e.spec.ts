import type { Browser } from 'playwright-core';
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
import { until } from '../support/until';
import { thePuskesmasList } from '../support/fixtures';
import { signIn } from '../support/gateway-client';
import { extendFirstAgreement } from '../support/parties';

/**
 * The Dinkes administrator's console in a real browser: the agreement both parties keep (an extension
 * proposed by Dinkes and confirmed by Disdukcapil, each in their own browser), the Puskesmas' card readers,
 * the accounts of Dinkes, the balikan backlog and the semester report.
 */
describeWithChromium('The console of the Dinkes administrator', () => {
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

  it('the administrator enrols a Puskesmas clerk, suspends and reinstates the account, and the gateway records each state', async () => {
    const admin = await signedIn('admin');
    await open(admin, 'Akun petugas');
    const { page } = admin;
    await page.locator('tr[data-account="admin"]').getByText('Akun Anda sendiri').waitFor();
    await page.getByLabel('ID pengguna').fill('loket.jatipuro.konsol');
    await page.getByLabel('Kata sandi awal').fill('kata-sandi-awal-loket-1');
    await page.getByLabel('Peran').selectOption({ label: 'Petugas Puskesmas' });
    await page.getByLabel('Puskesmas', { exact: true }).selectOption({ label: 'Puskesmas Jatipuro (PKM-331301-1)' });
    await page.getByRole('button', { name: 'Daftarkan akun' }).click();
    const row = page.locator('tr[data-account="loket.jatipuro.konsol"]');
    await row.getByText('Aktif', { exact: true }).waitFor();
    await row.getByText('Puskesmas Jatipuro').waitFor();
    const state = async () =>
      ((await gateway.call('GET', '/v1/operators', gateway.admin)).body as { userId: string; status: string }[]).find(
        (a) => a.userId === 'loket.jatipuro.konsol',
      );
    await expect(state()).resolves.toMatchObject({ role: 'PUSKESMAS_OPERATOR', status: 'ACTIVE' });
    await screenshot(page, 'admin-akun');
    expect(await accessibilityProblems(page)).toEqual([]);

    await row.getByRole('button', { name: 'Tangguhkan' }).click();
    await row.getByText('Ditangguhkan', { exact: true }).waitFor();
    await page.getByText('Akun loket.jatipuro.konsol ditangguhkan.').waitFor();
    await expect(state()).resolves.toMatchObject({ status: 'SUSPENDED' });

    await row.getByRole('button', { name: 'Aktifkan kembali' }).click();
    await row.getByText('Aktif', { exact: true }).waitFor();
    await expect(state()).resolves.toMatchObject({ status: 'ACTIVE' });

    // Revoking asks first; cancelling leaves the account as it was.
    await row.getByRole('button', { name: 'Cabut' }).click();
    await row.getByText('Cabut akun loket.jatipuro.konsol untuk selamanya?').waitFor();
    await screenshot(page, 'admin-akun-konfirmasi-cabut');
    expect(await accessibilityProblems(page)).toEqual([]);
    await row.getByRole('button', { name: 'Batal' }).click();
    await expect(state()).resolves.toMatchObject({ status: 'ACTIVE' });
    expect(admin.errors).toEqual([]);
  });

  it('the administrator registers a KTP-el card reader for a Puskesmas and retires it after confirming', async () => {
    const admin = await signedIn('admin');
    await open(admin, 'Puskesmas & alat baca KTP-el');
    const { page } = admin;
    await page.getByText('Belum ada alat baca KTP-el yang terdaftar.').waitFor();
    await page.getByLabel('Puskesmas', { exact: true }).selectOption({ label: 'Puskesmas Jatipuro (PKM-331301-1)' });
    await page.getByLabel('Nomor seri SAM').fill('SAM-KONSOL-0001');
    await page.getByRole('button', { name: 'Daftarkan alat baca' }).click();
    const row = page.locator('tr[data-reader="SAM-KONSOL-0001"]');
    await row.getByText('Aktif', { exact: true }).waitFor();
    await row.getByText('Puskesmas Jatipuro').waitFor();
    const reader = async () =>
      ((await gateway.call('GET', '/v1/card-readers', gateway.admin)).body as { samSerial: string; retired: boolean }[]).find(
        (r) => r.samSerial === 'SAM-KONSOL-0001',
      );
    await expect(reader()).resolves.toMatchObject({ retired: false });
    await screenshot(page, 'admin-puskesmas-alat-baca');
    expect(await accessibilityProblems(page)).toEqual([]);

    await row.getByRole('button', { name: 'Hentikan pemakaian' }).click();
    await row.getByRole('button', { name: 'Ya, hentikan' }).click();
    await row.getByText('Tidak dipakai lagi').waitFor();
    await expect(reader()).resolves.toMatchObject({ retired: true });
    expect(admin.errors).toEqual([]);
  });

  it('the administrator sees the balikan backlog per Puskesmas and by age', async () => {
    const admin = await signedIn('admin');
    await open(admin, 'Tunggakan balikan');
    const { page } = admin;
    await page.getByRole('columnheader', { name: '8–30 hari' }).waitFor();
    await page.getByText('Puskesmas Jatipuro').waitFor();
    await page.getByText('Seluruh Puskesmas').waitFor();
    await screenshot(page, 'admin-tunggakan-balikan');
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(admin.errors).toEqual([]);
  });

  it('the administrator views the semester report as tables, downloads its PDF and submits it after confirming', async () => {
    const admin = await signedIn('admin');
    await open(admin, 'Laporan semester');
    const { page } = admin;
    await page.getByRole('heading', { name: /^LAPORAN PEMANFAATAN NIK/ }).waitFor();
    await page.getByRole('heading', { name: 'Per Puskesmas' }).waitFor();
    await page.getByText('Puskesmas Jatipuro').first().waitFor();
    await page.getByText('Laporan semester ini belum diserahkan.').waitFor();
    await screenshot(page, 'admin-laporan-semester');
    expect(await accessibilityProblems(page)).toEqual([]);

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh PDF' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/^laporan-semester-\d{4}-[12]\.pdf$/);
    const bytes = await (await pdf.createReadStream()).toArray();
    expect(Buffer.concat(bytes).subarray(0, 5).toString()).toBe('%PDF-');

    await page.getByRole('button', { name: 'Serahkan laporan' }).click();
    await page.getByRole('button', { name: 'Ya, serahkan' }).click();
    await page.getByText(/Laporan diserahkan \(revisi 1\)/).waitFor();
    const submitted = page.locator('tr[data-submission="1"]');
    await submitted.waitFor();
    const year = await page.getByLabel('Tahun').inputValue();
    const semester = await page.getByLabel('Semester').inputValue();
    const recorded = await gateway.call('GET', `/v1/reports/semester/${year}/${semester}/submission`, gateway.admin);
    expect(recorded.status).toBe(200);
    await expect(submitted.textContent()).resolves.toContain(recorded.body.submissions[0].sha256);
    await screenshot(page, 'admin-laporan-diserahkan');
    expect(admin.errors).toEqual([]);
  });

  it('the auditor sees the agreement and the accounts of Disdukcapil, and none of the Dinkes pages', async () => {
    const auditor = await signedIn('auditor');
    const menu = auditor.page.getByRole('navigation', { name: 'Menu' });
    await expect(menu.getByRole('link').allTextContents()).resolves.toEqual(expect.arrayContaining(['Perjanjian', 'Akun petugas']));
    await expect(menu.getByRole('link', { name: 'Laporan semester' }).count()).resolves.toBe(0);
    await open(auditor, 'Akun petugas');
    await auditor.page.locator('tr[data-account="auditor"]').waitFor();
    await expect(auditor.page.getByLabel('Peran').locator('option').allTextContents()).resolves.toEqual(['Auditor Disdukcapil', 'Kantor Bupati']);
    await screenshot(auditor.page, 'auditor-akun');
    expect(await accessibilityProblems(auditor.page)).toEqual([]);
    expect(auditor.errors).toEqual([]);
  });

  it('on a tablet every page of the administrator fits the screen, and the password of a clerk is reset from the accounts page', async () => {
    const tablet = await openConsole(browser, gateway.url, { viewport: { width: 768, height: 1024 } });
    opened.push(tablet);
    const { page } = tablet;
    await signInThroughConsole(page, 'admin', gateway.adminPassword);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const [menu, shown, name] of [
      ['Perjanjian', 'Perubahan yang menunggu konfirmasi', 'tablet-admin-perjanjian'],
      ['Puskesmas & alat baca KTP-el', 'Daftarkan alat baca KTP-el', 'tablet-admin-puskesmas'],
      ['Akun petugas', 'Daftarkan akun baru', 'tablet-admin-akun'],
      ['Tunggakan balikan', 'Seluruh Puskesmas', 'tablet-admin-tunggakan'],
      ['Laporan semester', 'Per Puskesmas', 'tablet-admin-laporan'],
    ] as const) {
      await open(tablet, menu);
      await page.getByText(shown, { exact: true }).first().waitFor();
      await screenshot(page, name);
      expect([menu, await overflow()]).toEqual([menu, 0]);
    }

    await gateway.call('POST', '/v1/operators', gateway.admin, {
      userId: 'loket.lupa.sandi',
      password: 'kata-sandi-awal-loket-1',
      role: 'PUSKESMAS_OPERATOR',
      facilityId: (await gateway.call('GET', '/v1/facilities', gateway.admin)).body.find((f: { kind: string }) => f.kind === 'PUSKESMAS').facilityId,
    });
    // Enrolled elsewhere (through the API): the list shows it once the register has it.
    await until(
      async () => ((await gateway.call('GET', '/v1/operators', gateway.admin)).body as { userId: string }[]).some((a) => a.userId === 'loket.lupa.sandi'),
      {
        what: 'the enrolled clerk listed',
      },
    );
    await open(tablet, 'Akun petugas');
    const row = page.locator('tr[data-account="loket.lupa.sandi"]');
    await row.getByRole('button', { name: 'Atur ulang kata sandi' }).click();
    await row.getByLabel('Kata sandi baru untuk loket.lupa.sandi').fill('sandi-baru-dari-admin-dinkes');
    await row.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
    await page.getByText('Kata sandi akun loket.lupa.sandi diatur ulang').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    // The clerk signs in with it, and must change it first.
    const signIn = await gateway.call('POST', '/v1/auth/login', undefined, { userId: 'loket.lupa.sandi', password: 'sandi-baru-dari-admin-dinkes' });
    expect(signIn).toMatchObject({ status: 200, body: { mustChangePassword: true } });
    expect(tablet.errors).toEqual([]);
  });

  it('the administrator unlocks a clerk locked out by five wrong passwords, then revokes the account for good', async () => {
    const facilityId = (await thePuskesmasList(gateway.call, gateway.admin)).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    const enrolled = await gateway.call('POST', '/v1/operators', gateway.admin, {
      userId: 'loket.terkunci',
      password: 'kata-sandi-awal-loket-1',
      role: 'PUSKESMAS_OPERATOR',
      facilityId,
    });
    expect(enrolled.status).toBe(201);
    const signInWith = (password: string) => gateway.call('POST', '/v1/auth/login', undefined, { userId: 'loket.terkunci', password });
    for (let i = 0; i < 5; i++) await signInWith('bukan-kata-sandinya-1');
    await expect(signInWith('kata-sandi-awal-loket-1')).resolves.toMatchObject({ status: 403, body: { code: 'ACCOUNT_LOCKED' } });

    const admin = await signedIn('admin');
    await open(admin, 'Akun petugas');
    const { page } = admin;
    const row = page.locator('tr[data-account="loket.terkunci"]');
    await row.getByText('Terkunci sampai').waitFor();
    await screenshot(page, 'admin-akun-terkunci');
    await row.getByRole('button', { name: 'Buka kunci' }).click();
    await page.getByText('Kunci akun loket.terkunci dibuka.').waitFor();
    await row.getByText('Terkunci sampai').waitFor({ state: 'detached' });
    await expect(signInWith('kata-sandi-awal-loket-1')).resolves.toMatchObject({ status: 200 });

    await row.getByRole('button', { name: 'Cabut' }).click();
    await row.getByRole('button', { name: 'Ya, cabut' }).click();
    await row.getByText('Dicabut', { exact: true }).waitFor();
    await expect(signInWith('kata-sandi-awal-loket-1')).resolves.toMatchObject({ status: 403, body: { code: 'OPERATOR_REVOKED' } });
    const recorded = ((await gateway.call('GET', '/v1/operators', gateway.admin)).body as { userId: string; status: string }[]).find(
      (a) => a.userId === 'loket.terkunci',
    );
    expect(recorded).toMatchObject({ status: 'REVOKED' });
    expect(admin.errors).toEqual([]);
  });

  // Last of this file: it ends the agreement every test above relies on.
  it('the auditor refuses an extension Dinkes proposed, then ends the agreement for breach on its own, and the gateway closes access at once', async () => {
    let [agreement] = (await gateway.call('GET', '/v1/agreements', gateway.admin)).body as { agreementId: string; status: string }[];
    // In force to begin with (the first test extends it; run alone, this one does).
    if (agreement!.status !== 'ACTIVE') agreement = await extendFirstAgreement(gateway.call, gateway.admin, gateway.auditor, 'ADD/KONSOL/AWAL', '2099-12-31');
    const proposed = await gateway.call('POST', `/v1/agreements/${agreement!.agreementId}/extensions`, gateway.admin, {
      addendumNumber: 'ADD/KONSOL/TOLAK',
      validUntil: '2100-06-30',
    });
    expect(proposed.status).toBe(201);

    const auditor = await signedIn('auditor');
    await open(auditor, 'Perjanjian');
    const { page } = auditor;
    const proposal = page.locator('tr[data-change]');
    await proposal.getByText('Perpanjangan dengan adendum ADD/KONSOL/TOLAK').waitFor();
    await proposal.getByRole('button', { name: 'Tolak' }).click();
    await proposal.getByRole('button', { name: 'Ya, tolak' }).click();
    await page.getByText('Tidak ada perubahan yang menunggu.').waitFor();
    const recorded = async () => (await gateway.call('GET', `/v1/agreements/${agreement!.agreementId}`, gateway.admin)).body;
    expect((await recorded()).changes.find((c: { changeId: string }) => c.changeId === proposed.body.change.changeId)).toMatchObject({ status: 'REJECTED' });
    expect(await recorded()).toMatchObject({ status: 'ACTIVE', validUntil: '2099-12-31' });

    await page.getByLabel('Alasan pengakhiran').selectOption('BREACH_BY_DINKES');
    await page.getByRole('button', { name: 'Akhiri karena pelanggaran' }).click();
    await screenshot(page, 'auditor-perjanjian-akhiri-pelanggaran');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Ya, akhiri sekarang' }).click();
    await page.getByText('Perjanjian diakhiri karena pelanggaran oleh Dinkes').waitFor();
    await page.locator('section.card').first().getByText('Diakhiri', { exact: true }).first().waitFor();
    expect(await recorded()).toMatchObject({ status: 'TERMINATED', termination: { reason: 'BREACH_BY_DINKES' } });
    // Access to population data is closed from this moment: a clerk's lookup is refused.
    const facilityId = (await thePuskesmasList(gateway.call, gateway.admin)).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    const enrolled = await gateway.call('POST', '/v1/operators', gateway.admin, {
      userId: 'loket.setelah.akhir',
      password: 'kata-sandi-awal-loket-1',
      role: 'PUSKESMAS_OPERATOR',
      facilityId,
    });
    expect(enrolled.status).toBe(201);
    const clerk = await signIn(gateway.call, 'loket.setelah.akhir', 'kata-sandi-awal-loket-1');
    const lookup = await gateway.call('POST', '/v1/access/nik-lookups', clerk, { nik: (await gateway.samples()).found[0] });
    expect([lookup.status, lookup.body.code]).toEqual([403, 'AGREEMENT_NOT_ACTIVE']);
    expect(auditor.errors).toEqual([]);
  });
});
