/**
 * Makes sure dist/ holds a build of the current sources, and compiles only when they changed:
 * `node scripts/built.mjs server` (src, for npm start, cli, registry:simulator) or `tools` (src, test/support,
 * bench, scripts, for the demo, the benchmarks and the tests). It hashes the inputs and compares them with the
 * stamp the last build of that kind wrote (dist/.built/<kind>.json): nothing changed, nothing runs (about
 * 0.1 s); something changed, tsc rebuilds incrementally. Plain JavaScript: it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = ['tsconfig.json', 'package-lock.json'];
/** What each build reads, and a file it writes (missing: build again). The tools build contains the server's. */
const KINDS = {
  server: { config: 'tsconfig.build.json', dirs: ['src'], output: 'dist/src/main.js', contains: [] },
  tools: { config: 'tsconfig.tools.json', dirs: ['src', 'test/support', 'bench', 'scripts'], output: 'dist/scripts/demo.js', contains: ['server'] },
};

function files(dir) {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)))
    .sort();
}

/** Each input file with the hash of its content (content, not mtime: a checkout or a copy keeps what it means). */
function fingerprint(kind) {
  const { config, dirs } = KINDS[kind];
  const inputs = {};
  for (const file of [...shared, config, ...dirs.flatMap(files)]) {
    inputs[file] = existsSync(join(root, file))
      ? createHash('sha1')
          .update(readFileSync(join(root, file)))
          .digest('hex')
      : null;
  }
  return inputs;
}

const stampPath = (kind) => join(root, 'dist', '.built', `${kind}.json`);

function readStamp(kind) {
  try {
    return JSON.parse(readFileSync(stampPath(kind), 'utf8')).inputs;
  } catch {
    return null;
  }
}

function changedFiles(before, now) {
  return [...new Set([...Object.keys(before), ...Object.keys(now)])].filter((f) => before[f] !== now[f]);
}

function ensureBuilt(kind, { force = false } = {}) {
  const spec = KINDS[kind];
  const inputs = fingerprint(kind);
  const stamp = readStamp(kind);
  const outputThere = existsSync(join(root, spec.output));
  const changed = stamp ? changedFiles(stamp, inputs) : null;
  if (!force && outputThere && changed && changed.length === 0) return false;

  const buildInfo = join(root, 'dist', '.built', `${kind}.tsbuildinfo`);
  // tsc -p --incremental trusts its build info and does not re-emit what was deleted.
  if (!outputThere) rmSync(buildInfo, { force: true });
  const why = !stamp
    ? 'belum ada build'
    : !outputThere
      ? `${spec.output} tidak ada`
      : `${changed.length} berkas berubah: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}`;
  process.stderr.write(`Membangun dist/ (${kind}, tsc) karena ${why}…\n`);
  const started = Date.now();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, spec.config), '--incremental', '--tsBuildInfoFile', buildInfo], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'], // tsc's errors on stderr: npm run cli's stdout stays the command's
  });
  if (run.status !== 0) {
    process.stderr.write(`Build gagal (tsc keluar dengan kode ${run.status ?? run.signal}); perbaiki galat di atas lalu jalankan lagi.\n`);
    process.exit(run.status || 1);
  }
  mkdirSync(dirname(stampPath(kind)), { recursive: true });
  const write = (k, i) => writeFileSync(stampPath(k), `${JSON.stringify({ kind: k, builtAt: new Date().toISOString(), inputs: i }, null, 1)}\n`);
  write(kind, inputs);
  for (const inner of spec.contains) write(inner, fingerprint(inner)); // same compiler options, same output
  process.stderr.write(`Build selesai dalam ${((Date.now() - started) / 1000).toFixed(1).replace('.', ',')} s.\n`);
  return true;
}

const [kind, ...flags] = process.argv.slice(2);
if (!Object.hasOwn(KINDS, kind ?? '')) {
  process.stderr.write(`Pemakaian: node scripts/built.mjs ${Object.keys(KINDS).join('|')} [--force]\n`);
  process.exit(2);
}
ensureBuilt(kind, { force: flags.includes('--force') });
