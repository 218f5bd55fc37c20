import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nestedRunEnv } from '../support/processes';

const root = join(__dirname, '..', '..');

/** A nested `npm test` on one console browser suite, on a machine whose Chromium is missing. */
function npmTestWithoutChromium(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['test', '--', 'test/console/petugas.e2e.spec.ts'], {
    cwd: root,
    env: nestedRunEnv({ CHROMIUM_PATH: '/nonexistent/chromium', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('The tools some suites drive (Chromium, poppler-utils), on a machine that lacks one', () => {
  it('skips the browser suites and says so at the start, so a newcomer sees the run pass and what it left out', async () => {
    const { code, output } = await npmTestWithoutChromium({});
    expect(output).toMatch(/^\[SKIPPED\] console browser suites: no Chromium at \/nonexistent\/chromium \(apt-get install -y chromium/m);
    expect(output).toMatch(/^Tests: +7 skipped, 7 total$/m);
    expect(code).toBe(0);
  }, 120_000);

  it('fails the run instead, before starting anything, when CI requires the tools (TEST_TOOLS_REQUIRED=true)', async () => {
    const { code, output } = await npmTestWithoutChromium({ TEST_TOOLS_REQUIRED: 'true' });
    expect(output).toContain('TEST_TOOLS_REQUIRED: console browser suites: no Chromium at /nonexistent/chromium');
    expect(output).not.toMatch(/^Tests:/m);
    expect(code).not.toBe(0);
  }, 120_000);
});
