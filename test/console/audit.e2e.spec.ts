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
import { anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';
import { extendFirstAgreement } from '../support/parties';
import { until } from '../support/until';

/**
 * The audit log as a Disdukcapil auditor checks it in the console: the latest signed checkpoint, and for
 * the access id a clerk was shown, an inclusion proof verified in the browser itself (WebCrypto SHA-256
 * and Ed25519): "tercatat dan tidak diubah", or which step failed when the proof was tampered with.
 */
describeWithChromium('The audit log in the console, verified in the browser', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  let accessId: string;
  const opened: ConsolePage[] = [];

  beforeAll(async () => {
    // A checkpoint after every event, so the access just made is soon covered by a signed one.
    [gateway, browser] = await Promise.all([startConsoleGateway({ AUDIT_CHECKPOINT_EVENTS: '1' }), launchChromium()]);
    await extendFirstAgreement(gateway.call, gateway.admin, gateway.auditor, 'ADD/KONSOL/AUDIT', '2099-12-31');
    const facilityId = (await thePuskesmasList(gateway.call, gateway.admin)).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    const clerk = await anOperatorAt(reach(gateway.call), gateway.admin, facilityId);
    const found = await gateway.call('POST', '/v1/access/nik-lookups', clerk.token, { nik: (await gateway.samples()).found[0], purpose: 'REGISTRATION' });
    expect(found.status).toBe(200);
    accessId = found.body.accessId;
    await until(async () => (await gateway.call('GET', `/v1/audit/proofs/${accessId}`, gateway.auditor)).status === 200, {
      what: 'a signed checkpoint over the access',
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await browser?.close();
    await gateway?.close();
  });

  async function theAuditLogAs(userId: string, password: string): Promise<ConsolePage> {
    const desk = await openConsole(browser, gateway.url);
    opened.push(desk);
    await signInThroughConsole(desk.page, userId, password);
    await desk.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Log audit' }).click();
    await desk.page.locator('[data-checkpoint]').waitFor();
    return desk;
  }

  async function check(desk: ConsolePage, id: string) {
    await desk.page.getByLabel('Nomor akses').fill(id);
    await desk.page.getByRole('button', { name: 'Periksa bukti' }).click();
  }

  it('the auditor sees the latest signed checkpoint, its signature checked in the browser', async () => {
    const desk = await theAuditLogAs('auditor', gateway.auditorPassword);
    const shown = desk.page.locator('[data-checkpoint]');
    const checkpoints = (await gateway.call('GET', '/v1/audit/checkpoints', gateway.auditor)).body as { rootHash: string; treeSize: number }[];
    // What the page shows is a checkpoint the gateway signed (the log may have grown since the page loaded).
    const root = await shown.locator('code').first().textContent();
    expect(checkpoints.map((c) => c.rootHash)).toContain(root);
    await desk.page.locator('[data-verdict="ok"]').first().waitFor();
    await expect(desk.page.getByText('Tanda tangan checkpoint sah').first().textContent()).resolves.toContain('✓');
    expect(await accessibilityProblems(desk.page)).toEqual([]);
    expect(desk.errors).toEqual([]);
  });

  it('for the access id the clerk was shown, the auditor is told it is recorded and unchanged', async () => {
    const desk = await theAuditLogAs('auditor', gateway.auditorPassword);
    await check(desk, accessId);
    await desk.page.locator('[data-proof]').getByText('Tercatat dan tidak diubah').waitFor();
    await expect(desk.page.locator('[data-proof] [data-verdict]').getAttribute('data-verdict')).resolves.toBe('ok');
    await screenshot(desk.page, 'auditor-log-audit');
    expect(await accessibilityProblems(desk.page)).toEqual([]);
    // The page asked the gateway for the proof of that very id; the verdict was reached in the browser.
    const proofs = desk.apiAnswers.filter((r) => r.url().includes('/v1/audit/proofs/'));
    expect(proofs.map((r) => [r.status(), new URL(r.url()).pathname])).toEqual([[200, `/v1/audit/proofs/${accessId}`]]);
    expect(desk.errors).toEqual([]);
  });

  it('a proof tampered with on its way (one byte of the audit path flipped) is not verified, and the page says which step failed', async () => {
    const desk = await theAuditLogAs('auditor', gateway.auditorPassword);
    await desk.page.route('**/v1/audit/proofs/**', async (route) => {
      const response = await route.fetch();
      const proof = await response.json();
      const last = proof.auditPath.length - 1;
      proof.auditPath[last] = (parseInt(proof.auditPath[last].slice(0, 2), 16) ^ 0x01).toString(16).padStart(2, '0') + proof.auditPath[last].slice(2);
      await route.fulfill({ response, json: proof });
    });
    await check(desk, accessId);
    await desk.page.locator('[data-proof]').getByText('Tidak terverifikasi').waitFor();
    await expect(desk.page.locator('[data-proof] [data-verdict]').getAttribute('data-verdict')).resolves.toBe('ROOT_MISMATCH');
    await expect(desk.page.locator('[data-proof]').getByText('Akar pohon Merkle dihitung ulang dan sama').textContent()).resolves.toContain('✗');
    await expect(desk.page.locator('[data-proof]').getByText('Tercatat dan tidak diubah').count()).resolves.toBe(0);
    await screenshot(desk.page, 'auditor-log-audit-diubah');
    expect(await accessibilityProblems(desk.page)).toEqual([]);
  });

  it('an id that is not in the log, or not an id at all, is explained in plain Indonesian', async () => {
    const desk = await theAuditLogAs('auditor', gateway.auditorPassword);
    await check(desk, '00000000-0000-4000-8000-000000000000');
    await expect(desk.page.getByRole('alert').textContent()).resolves.toContain('tidak ada di log audit');
  });

  it('the Dinkes administrator has the same audit log page', async () => {
    const desk = await theAuditLogAs('admin', gateway.adminPassword);
    await check(desk, accessId);
    await desk.page.locator('[data-proof]').getByText('Tercatat dan tidak diubah').waitFor();
    await screenshot(desk.page, 'admin-log-audit');
  });
});
