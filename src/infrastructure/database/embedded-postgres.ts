import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { keepProtocolSequencesTogether } from './pglite-protocol-sequences';

export interface EmbeddedPostgres {
  /** postgres:// URL of the in-process server on the loopback interface. */
  readonly url: string;
  stop(): Promise<void>;
}

export class DataDirectoryInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. The embedded mode serves one process; ` +
        `stop that process, or use DATA_DIR for another directory, or DATABASE_URL for a PostgreSQL server.`,
    );
  }
}

/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) with its files under `dataDir`, served over
 * the PostgreSQL wire protocol on loopback so that the same `pg`/TypeORM code runs here and on a server.
 * All socket connections share one PGlite session, so only one process may use a data directory: a lock
 * file refuses a second one. Protocol sequences of concurrent connections are kept apart (see
 * pglite-protocol-sequences.ts).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  maxConnections?: number;
}): Promise<EmbeddedPostgres> {
  const pgDir = join(options.dataDir, 'pglite');
  mkdirSync(pgDir, { recursive: true });
  const releaseLock = lockDataDir(options.dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create({ dataDir: pgDir });
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 64,
    });
    keepProtocolSequencesTogether(server);
    await server.start();
    const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
    return {
      url: `postgres://postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
      async stop() {
        await server.stop();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
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
