import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { commandLineOf, isRunning, nestedRunEnv, processGroup, processState } from '../support/processes';
import { until } from '../support/until';

const root = join(__dirname, '..', '..');

/**
 * `npm run test:stress` on tiny jest selections: the suite runs beside CPU-bound processes, its result is
 * reported and is the script's exit status, and nothing the script started outlives it, however the suite ends.
 */
describe('npm run test:stress runs the suite beside CPU-bound processes and leaves none behind', () => {
  const ONE_UNIT_SPEC = 'test/access/nik.unit.spec.ts';
  const UNIT_SPECS_OF_ACCESS = ['--selectProjects', 'unit', 'test/access'];

  function stress(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, [join(root, 'scripts', 'test-stress.mjs'), ...args], {
      cwd: root,
      env: nestedRunEnv({ STRESS_HOGS: undefined, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
    );
    /** The hogs' PIDs and the suite's (the leader of its process group), once the script says it started them. */
    const started = () =>
      until(
        () => {
          const line = /(\d+) pembeban CPU(?: \(PID ([\d, ]+)\))? di \d+ inti; menjalankan npm test.* \(PID (\d+), grup prosesnya sendiri\)/.exec(stderr);
          return line && { hogs: line[2] ? line[2].split(', ').map(Number) : [], suite: Number(line[3]) };
        },
        { what: 'test:stress saying what it started', timeoutMs: 30_000 },
      );
    return { child, exited, started };
  }

  /** Whether jest itself (not only npm or sh) runs in the suite's group: a signal now reaches a running suite. */
  const jestRuns = (group: number) => processGroup(group).some((pid) => commandLineOf(pid).includes('jest'));

  it('runs the selected specs beside two spinning processes by default, reports result, time, hogs and load, and stops the hogs', async () => {
    const run = stress([ONE_UNIT_SPEC]);
    const { hogs, suite } = await run.started();
    expect(hogs).toHaveLength(2);
    for (const hog of hogs) await until(() => processState(hog) === 'R', { what: `hog ${hog} running on a core`, timeoutMs: 10_000, everyMs: 5 });

    const { code, stderr } = await run.exited;
    expect(code).toBe(0);
    expect(stderr).toMatch(/^test:stress: hasil: LULUS — Test Suites: +1 passed, 1 total; Tests: +\d+ passed, \d+ total$/m);
    expect(stderr).toMatch(
      /^test:stress: waktu \d+ dtk; 2 pembeban CPU, semua berhenti; beban rata-rata 1 menit: awal \d+,\d\d, tertinggi \d+,\d\d, akhir \d+,\d\d \(\d+ inti\)$/m,
    );
    expect(hogs.filter(isRunning)).toEqual([]);
    expect(processGroup(suite)).toEqual([]);
  }, 120_000);

  it('exits with the status of a failing suite, and stops the hogs (STRESS_HOGS=1); warns first of a Chromium it cannot find', async () => {
    const run = stress(['test/no-such-spec-anywhere'], { STRESS_HOGS: '1', CHROMIUM_PATH: '/nonexistent/chromium' });
    const { hogs, suite } = await run.started();
    expect(hogs).toHaveLength(1);

    const { code, stderr } = await run.exited;
    expect(code).toBe(1); // jest's own: no tests found
    expect(stderr).toMatch(/^test:stress: Chromium tidak ada di \/nonexistent\/chromium: uji peramban konsol dilewati/m);
    expect(stderr).toMatch(/^test:stress: hasil: GAGAL \(kode keluar 1\)/m);
    expect(stderr).toMatch(/1 pembeban CPU, semua berhenti/);
    expect(hogs.filter(isRunning)).toEqual([]);
    expect(processGroup(suite)).toEqual([]);
  }, 120_000);

  it('on Ctrl-C (SIGINT) stops the running suite, every process it started and the hogs, and exits 130', async () => {
    const run = stress(['--hogs', '1', ...UNIT_SPECS_OF_ACCESS]);
    const { hogs, suite } = await run.started();
    await until(() => jestRuns(suite), { what: 'jest running in the suite group', timeoutMs: 30_000, everyMs: 5 });
    run.child.kill('SIGINT');

    const { code, stderr } = await run.exited;
    expect(code).toBe(130);
    expect(stderr).toMatch(/^test:stress: SIGINT diterima: menghentikan suite dan pembeban CPU…$/m);
    expect(stderr).toMatch(/^test:stress: hasil: DIHENTIKAN \(SIGINT\)/m);
    expect(hogs.filter(isRunning)).toEqual([]);
    // A process the kill reached may still be ending (a zombie its parent init has not reaped yet is not counted).
    await until(() => processGroup(suite).length === 0, { what: 'every process of the suite group ended', timeoutMs: 10_000 });
  }, 120_000);

  it('refuses a hog count that is not a number, starting nothing', async () => {
    const run = stress(['--hogs', 'banyak', ONE_UNIT_SPEC]);
    const { code, stderr } = await run.exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(/jumlah pembeban CPU tidak sah: "banyak"/);
    expect(stderr).not.toMatch(/menjalankan npm/);
  });

  it('leaves no hog behind even when the script itself is killed with SIGKILL', async () => {
    const run = stress(['--hogs', '2', ...UNIT_SPECS_OF_ACCESS]);
    const { hogs, suite } = await run.started();
    try {
      run.child.kill('SIGKILL');
      await run.exited;
      // A hog notices its channel to the script closing between two slices of spinning.
      await until(() => hogs.every((hog) => !isRunning(hog)), { what: 'the hogs of a killed script stopping by themselves', timeoutMs: 10_000 });
    } finally {
      // The suite has no such watch (a SIGKILL runs no clean-up): the test stops it.
      try {
        process.kill(-suite, 'SIGKILL');
      } catch {
        // already gone
      }
      await until(() => processGroup(suite).length === 0, { what: 'the orphaned suite stopped', timeoutMs: 10_000 });
    }
  }, 120_000);
});
