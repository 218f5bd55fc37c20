import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepProtocolSequencesTogether } from './pglite-protocol-sequences';

export interface EmbeddedPostgres {
  /** postgres:// URL of the in-process server on its Unix socket (host = the socket's directory, percent-encoded). */
  readonly url: string;
  /** The directory holding the socket file `.s.PGSQL.<port>` (the data directory itself unless its path is too long). */
  readonly socketDir: string;
  stop(): Promise<void>;
}

/** DATA_DIR cannot serve the embedded database; the message names the path and what to do. */
export class DataDirectoryError extends Error {}

export class DataDirectoryInUseError extends DataDirectoryError {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. The embedded mode serves one process; ` +
        `stop that process, or use DATA_DIR for another directory, or DATABASE_URL for a PostgreSQL server.`,
    );
  }
}

/** The data directory (or a directory or file in it) is open to other users of the host: refused, with the fix. */
export class DataDirectoryExposedError extends DataDirectoryError {
  constructor(
    readonly path: string,
    why: string,
    fix: string,
  ) {
    super(`${path} ${why}; the embedded database keeps personal data and password hashes there. Fix: ${fix}`);
  }
}

/** Settings of the embedded PostgreSQL beyond PGlite's defaults (docs/operations.md, "Memory"). */
export const EMBEDDED_POSTGRES_SETTINGS = ['shared_buffers=16MB'];

/** sun_path is 108 bytes on Linux, the last one the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;
const SOCKET_PORT = 5432;
const socketFile = (dir: string, port: number) => join(dir, `.s.PGSQL.${port}`);

/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) with its files under `dataDir`, served over
 * the PostgreSQL wire protocol so that the same `pg`/TypeORM code runs here and on a server. The server has
 * no authentication, so it listens only on a Unix socket inside the 0700 data directory: no other user of
 * the host can reach it, nor read a file of the database (the process runs with umask 077; a data
 * directory others can read or write is refused). All socket connections share one PGlite session, so only
 * one process may use a data directory: a lock file refuses a second one. Protocol sequences of concurrent
 * connections are kept apart (see pglite-protocol-sequences.ts).
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port?: number; maxConnections?: number }): Promise<EmbeddedPostgres> {
  // Whatever PGlite or we create from now on (relation files, WAL, keys, the socket) is owner-only.
  process.umask(0o077);
  const pgDir = join(options.dataDir, 'pglite');
  openOwnerOnly(options.dataDir);
  openOwnerOnly(pgDir);
  const releaseLock = lockDataDir(options.dataDir);
  const port = options.port ?? SOCKET_PORT;
  let socketDir: string | undefined;
  let ownSocketDir = false;
  try {
    tightenFiles(pgDir);
    ({ dir: socketDir, own: ownSocketDir } = socketDirectory(options.dataDir, port));
    // Left behind by a process that died (kill -9); we hold the lock, so it is nobody's.
    rmSync(socketFile(socketDir, port), { force: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    // PGlite's own default is 160 MB of shared buffers, all of it touched at start: 16 MB brings an idle
    // gateway down by about 115 MB (bench/memory.ts); the files stay in the OS page cache either way.
    const db = await PGlite.create({ dataDir: pgDir, startParams: [...PGlite.defaultStartParams, ...EMBEDDED_POSTGRES_SETTINGS.flatMap((s) => ['-c', s])] });
    // A new database is unpacked from PGlite's template with explicit chmod 0666 (umask does not apply).
    tightenFiles(pgDir);
    const server = new PGLiteSocketServer({ db, path: socketFile(socketDir, port), maxConnections: options.maxConnections ?? 64 });
    keepProtocolSequencesTogether(server);
    await server.start();
    chmodSync(socketFile(socketDir, port), 0o600);
    const dir = socketDir;
    const own = ownSocketDir;
    return {
      url: `postgres://postgres@${encodeURIComponent(dir)}:${port}/postgres?sslmode=disable`,
      socketDir: dir,
      async stop() {
        await server.stop();
        await db.close();
        rmSync(own ? dir : socketFile(dir, port), { recursive: true, force: true });
        releaseLock();
      },
    };
  } catch (error) {
    if (socketDir) rmSync(ownSocketDir ? socketDir : socketFile(socketDir, port), { recursive: true, force: true });
    releaseLock();
    throw error;
  }
}

/**
 * The socket lives in the data directory when its path fits sun_path; else in a fresh 0700 directory under
 * the system's temporary directory (mkdtemp creates it owner-only), removed on stop.
 */
function socketDirectory(dataDir: string, port: number): { dir: string; own: boolean } {
  if (Buffer.byteLength(socketFile(dataDir, port)) <= MAX_SOCKET_PATH_BYTES) return { dir: dataDir, own: false };
  for (const base of [tmpdir(), '/tmp']) {
    if (Buffer.byteLength(socketFile(join(base, 'nik-pg-XXXXXX'), port)) > MAX_SOCKET_PATH_BYTES || !existsSync(base)) continue;
    const dir = mkdtempSync(join(base, 'nik-pg-'));
    chmodSync(dir, 0o700);
    return { dir, own: true };
  }
  throw new DataDirectoryError(
    `The path of DATA_DIR ${dataDir} is too long for the database's Unix socket (${MAX_SOCKET_PATH_BYTES} bytes), and so is TMPDIR; use a shorter DATA_DIR.`,
  );
}

/** Creates the directory 0700, or checks an existing one is ours and closed to others. */
function openOwnerOnly(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return;
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new DataDirectoryExposedError(dir, 'is not a directory', 'point DATA_DIR at a directory');
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new DataDirectoryExposedError(
      dir,
      `belongs to uid ${stat.uid}, not to this process (uid ${process.getuid()})`,
      `run the gateway as its owner, or chown -R ${process.getuid()} ${dir}`,
    );
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new DataDirectoryExposedError(dir, `is open to other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`, `chmod -R go-rwx ${dir}`);
  }
}

/**
 * Database files an older version left readable by others (PGlite wrote them 0666 under umask 022): made
 * owner-only. The directories are already closed to others (checked above), so nobody can open them now.
 * The key files next to `pglite` are not touched: their own checks refuse a key others could have read.
 */
function tightenFiles(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = lstatSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, mode & 0o700);
    if (entry.isDirectory()) tightenFiles(path);
  }
}

function lockDataDir(dataDir: string): () => void {
  const lockPath = join(dataDir, 'gateway.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      if (holder && holder !== process.pid && isAlive(holder)) throw new DataDirectoryInUseError(dataDir, holder);
      rmSync(lockPath, { force: true }); // left behind by a process that died (kill -9): take it over
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
