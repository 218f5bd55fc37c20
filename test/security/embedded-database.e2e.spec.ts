import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFromDataDir } from '../../src/modules/audit/checkpoint';
import { distPath, runScript, startGateway } from '../support/processes';

const main = distPath('src', 'main.js');
const storeSql = distPath('test', 'support', 'store-sql.js');
const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p));

/** Every path under a directory (directories, files, the socket), as the owner sees them. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

const openToOthers = (paths: string[]) => paths.filter((p) => (lstatSync(p).mode & 0o077) !== 0).map((p) => `${p} ${(lstatSync(p).mode & 0o777).toString(8)}`);

/** A directory others may traverse, so that only the data directory's own mode can keep them out (mkdtemp gives 0700). */
function traversableBase(prefix: string): string {
  const base = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(base, 0o755);
  return base;
}

/**
 * The embedded database holds personal data, sessions and password hashes. It has no password of its own,
 * so it must be out of reach of every other user of the host: no network socket, a Unix socket and files
 * that only the gateway's own user can open, and no start on a directory others can see into.
 */
describe('The embedded database on a shared host', () => {
  jest.setTimeout(300_000);
  if (!runuser) {
    // CI runs as root with runuser; a machine without it cannot play the other user.
    process.stdout.write('\n[SKIPPED] LOUDLY: runuser is not installed: the "another user of the host" test cannot run here\n');
  }
  (runuser ? it : it.skip)('is out of reach of another user of the host: no connection to its socket, no file of it readable', async () => {
    const base = traversableBase('nik-side-door-');
    const dataDir = join(base, 'data');
    let started: Awaited<ReturnType<typeof startGateway>> | undefined;
    try {
      started = await startGateway({
        DATA_DIR: dataDir,
        PORT: '0',
        DATABASE_URL: '',
        REGISTRY_URL: '',
        AUDIT_SIGNING_KEY: '',
        LOG_LEVEL: 'info',
        INITIAL_ADMIN_PASSWORD: 'side-door-dinkes-password',
      });
      // Writes through the wire: a sign-in (sessions, lockout counters) on top of the seed, so the WAL has moved.
      const login = await fetch(`${started.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'admin', password: 'side-door-dinkes-password' }),
      });
      expect(login.status).toBe(200);
      const paths = walk(dataDir);
      const socket = paths.find((p) => p.endsWith('.s.PGSQL.5432'));
      expect(socket).toBeDefined();
      expect(paths.filter((p) => /pg_wal\/[0-9A-F]{24}$/.test(p)).length).toBeGreaterThan(0);
      // As the owner sees it: every directory, relation file, WAL segment, key and the socket is owner-only.
      expect({ dataDir: (statSync(dataDir).mode & 0o777).toString(8), openToOthers: openToOthers(paths) }).toEqual({ dataDir: '700', openToOthers: [] });

      // As "nobody": try the socket, then every path.
      const list = join(base, 'paths.json');
      writeFileSync(list, JSON.stringify({ socket, paths: [dataDir, ...paths] }));
      chmodSync(list, 0o644);
      const probe = `
        const fs = require('node:fs'); const net = require('node:net');
        const { socket, paths } = JSON.parse(fs.readFileSync(${JSON.stringify(list)}, 'utf8'));
        const opened = [];
        for (const p of paths) { try { fs.closeSync(fs.openSync(p, 'r')); opened.push(p); } catch (e) { if (e.code !== 'EACCES') opened.push(p + ' ' + e.code); } }
        const s = net.connect(socket);
        s.on('connect', () => { console.log(JSON.stringify({ uid: process.getuid(), connected: true, opened })); process.exit(0); });
        s.on('error', (e) => { console.log(JSON.stringify({ uid: process.getuid(), connected: false, error: e.code, opened })); process.exit(0); });`;
      const other = spawnSync(runuser!, ['-u', 'nobody', '--', process.execPath, '-e', probe], { encoding: 'utf8', timeout: 30_000 });
      expect(other.stderr).toBe('');
      expect(JSON.parse(other.stdout)).toEqual({ uid: 65534, connected: false, error: 'EACCES', opened: [] });
      started.child.kill('SIGTERM');
      expect((await started.exited).code).toBe(0);
    } catch (error) {
      started?.child.kill('SIGKILL');
      throw error;
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('refuses to start on a data directory others can read, naming it and the fix', async () => {
    const base = traversableBase('nik-open-dir-');
    const dataDir = join(base, 'data');
    try {
      mkdirSync(dataDir);
      chmodSync(dataDir, 0o755);
      const result = await runScript(main, [], { DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', REGISTRY_URL: '', LOG_LEVEL: 'warn' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `Cannot start: DATA_DIR: ${dataDir} is open to other users (mode 0755); the embedded database keeps personal data and password hashes there. Fix: chmod -R go-rwx ${dataDir}`,
      );
      expect(readdirSync(dataDir)).toEqual([]); // nothing written into it
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('refuses a database directory inside the data directory that others can write', async () => {
    const base = traversableBase('nik-open-pg-');
    const dataDir = join(base, 'data');
    try {
      mkdirSync(join(dataDir, 'pglite'), { recursive: true });
      chmodSync(dataDir, 0o700);
      chmodSync(join(dataDir, 'pglite'), 0o733);
      const result = await runScript(storeSql, ['SELECT 1 AS one'], { DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${join(dataDir, 'pglite')} is open to other users (mode 0733)`);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('creates a new data directory owner-only, and makes files an older version left readable owner-only', async () => {
    const base = traversableBase('nik-new-dir-');
    const dataDir = join(base, 'new', 'data');
    try {
      expect((await runScript(storeSql, ['CREATE TABLE t (n int); INSERT INTO t VALUES (1)'], { DATA_DIR: dataDir, DATABASE_URL: '' })).code).toBe(0);
      expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
      expect(openToOthers(walk(dataDir))).toEqual([]);
      // As the old gateway left them under umask 022: every file 0666 (the operator has since closed the directories).
      for (const p of walk(join(dataDir, 'pglite'))) if (lstatSync(p).isFile()) chmodSync(p, 0o666);
      const again = await runScript(storeSql, ['SELECT n FROM t'], { DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(again.stdout.trim()).toBe('[{"n":1}]');
      expect(openToOthers(walk(dataDir))).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('serves a data directory whose path is too long for a Unix socket, from a private socket directory', async () => {
    const base = mkdtempSync(join(tmpdir(), 'nik-long-'));
    const dataDir = join(base, 'a-data-directory-whose-path-is-longer-than-a-unix-socket-path-may-be', 'data');
    expect(Buffer.byteLength(join(dataDir, '.s.PGSQL.5432'))).toBeGreaterThan(107);
    try {
      const result = await runScript(storeSql, ['SELECT 1 AS one'], { DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('[{"one":1}]');
      expect(readdirSync(dataDir).filter((f) => f.startsWith('.s.PGSQL'))).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('The audit signing key kept in the data directory', () => {
  it('is refused when others can read it, as the balikan sealing key is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nik-audit-key-'));
    try {
      const { path } = keyFromDataDir(dir);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(keyFromDataDir(dir).created).toBe(false);
      chmodSync(path, 0o644);
      expect(() => keyFromDataDir(dir)).toThrow(`${path} is readable by others; chmod 600 it`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
