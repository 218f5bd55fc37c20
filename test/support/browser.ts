/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { gatewayClient, signIn, type GatewayCall } from './gateway-client';
import { isolatedStorage } from './isolated-storage';
import { startGateway } from './processes';
import { CHROMIUM, HAS_CHROMIUM } from './test-tools';

/** `describe`, or `describe.skip` when the machine has no Chromium (test-tools.ts). */
export const describeWithChromium = HAS_CHROMIUM ? describe : describe.skip;

/**
 * The console in a real browser: Debian's headless Chromium (browser downloads are impossible here) driven
 * by playwright-core, against the real gateway process on its own embedded data directory.
 */
export async function launchChromium(): Promise<Browser> {
  if (!HAS_CHROMIUM) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH). .ci/run installs it.`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export const ADMIN_FIRST = 'browser-dinkes-awal-1';
export const AUDITOR_FIRST = 'browser-dukcapil-awal-1';

export interface ConsoleGateway {
  readonly url: string;
  readonly simulatorUrl: string;
  readonly call: GatewayCall;
  /** Tokens of the seeded administrator and auditor, signed in through the API (their first password change made). */
  readonly admin: string;
  readonly auditor: string;
  /** Their passwords after that change, to sign in through the console. */
  readonly adminPassword: string;
  readonly auditorPassword: string;
  /** NIKs the built-in registry simulator knows (found, deceased, not found). */
  samples(): Promise<{ found: string[]; deceased: string[]; notFound: string[] }>;
  close(): Promise<void>;
}

/** The gateway as `npm start` runs it (console included), on a fresh embedded data directory. */
export async function startConsoleGateway(extra: NodeJS.ProcessEnv = {}): Promise<ConsoleGateway> {
  const storage = await isolatedStorage(undefined, 'console');
  const started = await startGateway({
    ...storage.env,
    PORT: '0',
    EVENTSTORE_CONNECTION_STRING: '',
    REGISTRY_URL: '',
    INITIAL_ADMIN_PASSWORD: ADMIN_FIRST,
    INITIAL_AUDITOR_PASSWORD: AUDITOR_FIRST,
    LOG_LEVEL: 'info',
    SIGN_IN_ATTEMPTS_PER_MINUTE: '10000',
    ...extra,
  });
  const call = gatewayClient(started.url);
  const scope = {};
  const admin = await signIn(call, 'admin', ADMIN_FIRST, scope);
  const auditor = await signIn(call, 'auditor', AUDITOR_FIRST, scope);
  return {
    url: started.url,
    simulatorUrl: started.simulatorUrl!,
    call,
    admin,
    auditor,
    adminPassword: `${ADMIN_FIRST}.changed`,
    auditorPassword: `${AUDITOR_FIRST}.changed`,
    samples: async () => (await fetch(`${started.simulatorUrl}/simulator/samples`)).json() as never,
    async close() {
      started.child.kill('SIGTERM');
      await started.exited;
      await storage.cleanup();
    },
  };
}

export interface ConsolePage {
  readonly page: Page;
  /** Every answer of the API the page received (to check Cache-Control and what went over the wire). */
  readonly apiAnswers: Response[];
  /** Errors the page logged (a CSP violation, an uncaught exception): a test expects none. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** A fresh browser profile (nothing shared with another test) on the console, at an office screen's size. */
export async function openConsole(
  browser: Browser,
  url: string,
  { viewport = { width: 1366, height: 768 }, clock = false }: { viewport?: { width: number; height: number }; clock?: boolean } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  // A controlled clock lets a test move time forward (the idle timeout) instead of waiting for it.
  if (clock) await page.clock.install();
  const apiAnswers: Response[] = [];
  const errors: string[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/v1/')) apiAnswers.push(r);
  });
  page.on('console', (m) => {
    // A refused request (401, 404, 422) is logged by Chromium as a failed resource load: an answer, not an error of the page.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of [45]\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}/`);
  return { page, apiAnswers, errors, close: () => context.close() };
}

/** Signs in through the console's form; when a new password is given, makes the change the console asks for first. */
export async function signInThroughConsole(page: Page, userId: string, password: string, newPassword?: string): Promise<void> {
  await page.getByLabel('ID pengguna').fill(userId);
  await page.getByLabel('Kata sandi', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  if (newPassword) {
    await page.getByLabel('Kata sandi saat ini').fill(password);
    await page.getByLabel('Kata sandi baru', { exact: true }).fill(newPassword);
    await page.getByLabel('Ulangi kata sandi baru').fill(newPassword);
    await page.getByRole('button', { name: 'Simpan kata sandi' }).click();
  }
  await page.getByRole('navigation', { name: 'Menu' }).waitFor();
}

/** A screenshot for a reviewer to look at (out/screenshots, not committed). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = resolve(__dirname, '..', '..', 'out', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now: "rule: element, element". */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
    ).axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.targets.join(', ')}`);
}

/**
 * Where in the browser any of `values` can still be found: the DOM, the URL, localStorage, sessionStorage,
 * IndexedDB (its databases), Cache Storage, cookies. Empty when nothing of the person stayed.
 */
export async function tracesOf(page: Page, values: string[]): Promise<string[]> {
  const places = await page.evaluate(async () => {
    const dump = (s: Storage) => JSON.stringify(Object.fromEntries(Object.entries(s)));
    const cached: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) cached.push(request.url, await (await cache.match(request))!.text());
    }
    const databases = (await indexedDB.databases()).map((d) => d.name ?? '');
    // outerHTML holds no typed value: what inputs, selects and text areas hold is read on its own.
    const typed = [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')].map((e) => e.value);
    return {
      dom: document.documentElement.outerHTML,
      typed: typed.join('\n'),
      url: location.href,
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      indexedDB: databases.join(','),
      cacheStorage: cached.join('\n'),
      cookies: document.cookie,
    };
  });
  const cookies = JSON.stringify(await page.context().cookies());
  const found: string[] = [];
  for (const [place, text] of Object.entries({ ...places, browserCookies: cookies }))
    for (const value of values) if (value && text.includes(value)) found.push(`${place} holds ${value.slice(0, 2)}…`);
  return found;
}
