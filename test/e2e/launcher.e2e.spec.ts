import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenRunning } from '../support/processes';

const root = join(__dirname, '..', '..');

/**
 * `npm start` on a copy of the repository: the first start builds, a start with nothing changed does not run
 * tsc, a changed source is rebuilt, and npm's signal reaches the gateway itself (the script execs node).
 */
describe('npm start builds only when the sources changed', () => {
  const copy = mkdtempSync(join(tmpdir(), 'nik-launcher-'));
  const stamp = join(copy, 'dist', '.built', 'server.json');
  const launch = () => spawnSync(process.execPath, [join(copy, 'scripts', 'built.mjs'), 'server'], { cwd: copy, encoding: 'utf8' });

  beforeAll(() => {
    for (const path of ['src', 'scripts/built.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']) {
      cpSync(join(root, path), join(copy, path), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('builds on the first start, not on the second, and again after a source file changed', () => {
    const first = launch();
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/^Membangun dist\/ \(server, tsc\) karena belum ada build…$/m);
    expect(existsSync(join(copy, 'dist', 'src', 'main.js'))).toBe(true);
    const stamped = statSync(stamp).mtimeMs;

    const second = launch();
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(statSync(stamp).mtimeMs).toBe(stamped);

    appendFileSync(join(copy, 'src', 'main.ts'), '// a change of the newcomer\n');
    const third = launch();
    expect(third.status).toBe(0);
    expect(third.stderr).toMatch(/karena 1 berkas berubah: src\/main\.ts…$/m);
    expect(readFileSync(join(copy, 'dist', 'src', 'main.js'), 'utf8')).toContain('// a change of the newcomer');
    expect(statSync(stamp).mtimeMs).toBeGreaterThan(stamped);
  }, 300_000);

  it('starts the built gateway without building, and npm start ends with it on SIGTERM, saying it stopped', async () => {
    const dataDir = join(copy, 'data');
    const npm = spawn('npm', ['start'], {
      cwd: copy,
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', EVENTSTORE_CONNECTION_STRING: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    npm.stdout.on('data', (d) => (stdout += d));
    npm.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        npm.stdout.on('data', () => /listening on port \d+/.test(stdout) && resolve());
        void exited.then((code) => reject(new Error(`npm start ended (${code}): ${stderr}`)));
      });
      // The gateway is npm's own child (sh exec'd it): a signal npm forwards reaches it.
      const [gateway] = childrenRunning(npm.pid!, 'dist/src/main.js');
      expect(gateway).toBeDefined();
      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/"signal":"SIGTERM","msg":"NIK gateway stopped"/);
      expect(stderr).not.toContain('Membangun');
      expect(existsSync(`/proc/${gateway}`)).toBe(false);
    } finally {
      npm.kill('SIGKILL');
    }
  }, 120_000);
});
