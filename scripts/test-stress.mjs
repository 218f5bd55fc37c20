/**
 * `npm run test:stress [-- [--hogs N] [jest arguments]]`: the suite on a busy machine. Starts N CPU-bound
 * processes (2 by default, or STRESS_HOGS), runs `npm test` (with the jest arguments given) beside them,
 * stops every one of them however the suite ends (passed, failed, Ctrl-C, SIGTERM, an error here), and
 * reports the suite's result, the elapsed time, the hogs' count and the load average seen. Its exit status
 * is the suite's (128 + signal number when interrupted). Plain JavaScript, Node's own modules only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, constants, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`test:stress: ${line}\n`);

/**
 * A hog spins one core. It spins in slices so that its event loop notices the IPC channel to this script
 * closing: a hog outlives no script, even one killed with SIGKILL, which can run no clean-up of its own.
 */
const HOG = "process.on('disconnect',()=>process.exit());(function spin(){const end=Date.now()+50;while(Date.now()<end);setImmediate(spin)})()";

function parse(argv, env) {
  const jestArgs = [];
  let hogs = env.STRESS_HOGS ?? '2';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--hogs') hogs = argv[++i] ?? '';
    else if (arg.startsWith('--hogs=')) hogs = arg.slice('--hogs='.length);
    else jestArgs.push(arg);
  }
  if (!/^\d{1,2}$/.test(hogs)) {
    say(`jumlah pembeban CPU tidak sah: "${hogs}" (bilangan bulat 0–99, lewat --hogs N atau STRESS_HOGS)`);
    say('pemakaian: npm run test:stress [-- [--hogs N] [argumen jest]]');
    process.exit(2);
  }
  return { hogs: Number(hogs), jestArgs };
}

const decimal = (n) => n.toFixed(2).replace('.', ',');
function duration(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} dtk` : `${Math.floor(s / 60)} mnt ${s % 60} dtk`;
}

/** Whether any process of the group is left (signal 0 only checks). */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a process group, or a process; gone already is fine. */
function kill(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: nothing left to stop
  }
}

const { hogs: hogCount, jestArgs } = parse(process.argv.slice(2), process.env);
// npm ci builds the console; a checkout or worktree made otherwise has none, and its browser specs fail for that alone.
if (!existsSync(join(root, 'console', 'dist', 'index.html')))
  say('console/dist belum dibangun: uji konsol akan gagal karenanya; jalankan npm run build:console dahulu');
// What .ci/run installs and a fresh machine may lack: without Chromium the console's browser suites, without
// poppler-utils the PDF-reading tests are skipped (the run then proves less than CI's).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) say(`Chromium tidak ada di ${chromium}: uji peramban konsol dilewati; apt-get install -y chromium (atau CHROMIUM_PATH)`);
if (spawnSync('pdftotext', ['-v']).error) say('pdftotext tidak terpasang: uji yang membaca PDF dilewati; apt-get install -y poppler-utils');
const started = Date.now();
const cores = availableParallelism();

const hogs = Array.from({ length: hogCount }, () => spawn(process.execPath, ['-e', HOG], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }));
const hogsExited = hogs.map(
  (hog) => new Promise((resolve) => (hog.exitCode !== null || hog.signalCode !== null ? resolve() : hog.on('exit', () => resolve()))),
);

// The suite in a process group of its own: npm, jest, jest's workers and what the tests start are stopped
// together, and a Ctrl-C at the terminal reaches them only through this script (forwarded below).
const npmArgs = ['test', ...(jestArgs.length ? ['--', ...jestArgs] : [])];
const colour = process.stderr.isTTY ? { FORCE_COLOR: '1' } : {};
const suite = spawn('npm', npmArgs, { cwd: root, detached: true, env: { ...process.env, ...colour }, stdio: ['ignore', 'pipe', 'pipe'] });
let tail = '';
for (const [from, to] of [
  [suite.stdout, process.stdout],
  [suite.stderr, process.stderr],
]) {
  from.on('data', (chunk) => {
    to.write(chunk);
    tail = (tail + chunk).slice(-8000); // jest's closing summary is in the last lines
  });
}
const suiteEnded = new Promise((resolve) => {
  suite.on('exit', (code, signal) => resolve({ code, signal }));
  suite.on('error', (error) => {
    say(`npm tidak dapat dijalankan: ${error.message}`);
    resolve({ code: 127, signal: null });
  });
});

const hogPids = hogs.map((h) => h.pid).join(', ');
say(
  `${hogCount} pembeban CPU${hogCount ? ` (PID ${hogPids})` : ''} di ${cores} inti; menjalankan npm ${npmArgs.join(' ')} (PID ${suite.pid}, grup prosesnya sendiri)`,
);

const loads = [loadavg()[0]];
const sampler = setInterval(() => loads.push(loadavg()[0]), 2000);
sampler.unref();

let interrupted = null;
let hardStop = null;
function stopHogs() {
  for (const hog of hogs) kill(hog.pid, 'SIGKILL');
}
function interrupt(signal) {
  stopHogs();
  if (interrupted) {
    kill(-suite.pid, 'SIGKILL'); // a second Ctrl-C: no more waiting
    return;
  }
  interrupted = signal;
  say(`${signal} diterima: menghentikan suite dan pembeban CPU…`);
  kill(-suite.pid, signal);
  hardStop = setTimeout(() => kill(-suite.pid, 'SIGKILL'), 15_000); // a suite that ignores the signal
  hardStop.unref();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => interrupt(signal));
// Whatever ends this script (an error here included): nothing it started keeps running.
process.on('exit', () => {
  stopHogs();
  kill(-suite.pid, 'SIGKILL');
});

const { code, signal } = await suiteEnded;
clearTimeout(hardStop);
stopHogs();
// What the suite started and left behind (its group outlives npm): stopped too.
kill(-suite.pid, 'SIGKILL');
await Promise.all(hogsExited);
// A signal is delivered, not yet acted on: wait (up to 5 s) until no process of the group is left.
for (let waited = 0; waited < 5000 && groupAlive(suite.pid); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
clearInterval(sampler);
loads.push(loadavg()[0]);

// eslint-disable-next-line no-control-regex
const plain = tail.replace(/\x1b\[[0-9;]*m/g, '');
const summary = ['Test Suites:', 'Tests:'].map((label) => plain.match(new RegExp(`^${label}.*$`, 'm'))?.[0]?.replace(/\s+/g, ' ')).filter(Boolean);
const status = interrupted ? 128 + constants.signals[interrupted] : signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
const verdict = interrupted ? `DIHENTIKAN (${interrupted})` : signal ? `BERAKHIR oleh ${signal}` : code === 0 ? 'LULUS' : `GAGAL (kode keluar ${code})`;
say(`hasil: ${verdict}${summary.length ? ` — ${summary.join('; ')}` : ''}`);
say(
  `waktu ${duration(Date.now() - started)}; ${hogCount} pembeban CPU, semua berhenti; beban rata-rata 1 menit: awal ${decimal(loads[0])}, ` +
    `tertinggi ${decimal(Math.max(...loads))}, akhir ${decimal(loads.at(-1))} (${cores} inti)`,
);
process.exitCode = status;
