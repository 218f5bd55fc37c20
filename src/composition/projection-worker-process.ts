import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino, { type Logger } from 'pino';
import type { Infrastructure } from '../infrastructure/infrastructure';

/** How the service hands its embedded database's socket URL to the worker (not a setting: set by the service). */
export const EMBEDDED_URL_VARIABLE = 'NIK_GATEWAY_EMBEDDED_URL';
const FIRST_RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;
/** A worker that ran this long before it ended is restarted at once again next time (not a crash loop). */
const STEADY_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export interface ProjectionWorker {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Forks the projection worker (src/projection-worker.ts) and keeps it running: a worker that ends is
 * restarted (after 1 s, doubling to 30 s while it keeps failing). Its log lines are written through this
 * process's log destination, so two processes never interleave inside one line.
 */
export function startProjectionWorker(logger: Logger, embeddedUrl: string | undefined): ProjectionWorker {
  const destination = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym]!;
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = FIRST_RESTART_MS;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = () => {
    const started = Date.now();
    const worker = fork(join(__dirname, '..', 'projection-worker.js'), [], {
      env: { ...process.env, ...(embeddedUrl ? { [EMBEDDED_URL_VARIABLE]: embeddedUrl } : {}) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = worker;
    createInterface({ input: worker.stdout! }).on('line', (line) => destination.write(`${line}\n`));
    createInterface({ input: worker.stderr! }).on('line', (line) => logger.error({ worker: worker.pid }, `projection worker: ${line}`));
    worker.on('exit', (code, signal) => {
      if (child === worker) child = undefined;
      if (stopping) return;
      if (Date.now() - started > STEADY_MS) delay = FIRST_RESTART_MS;
      logger.error({ worker: worker.pid, code, signal, restartInMs: delay }, 'projection worker ended; restarting it');
      restartTimer = setTimeout(start, delay);
      delay = Math.min(delay * 2, MAX_RESTART_MS);
    });
    logger.info({ worker: worker.pid }, 'projection worker started');
  };
  start();

  return {
    get pid() {
      return child?.pid;
    },
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const worker = child;
      if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      const grace = setTimeout(() => worker.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(grace);
    },
  };
}

/**
 * Waits until every projection has read the log to its end (as the runner's stored checkpoints show), so
 * the service's first answers after a start read current read models (a clerk's first list after a restart
 * is not missing what was recorded before it). Gives up after `timeoutMs` with a warning: a long backlog
 * must not keep the service down; the read models then catch up while it serves.
 */
export async function readModelsCaughtUp(infra: Infrastructure, logger: Logger, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lags = await Promise.all(
      infra.projections.map(async (p) => (await infra.eventStore.countEvents((await infra.runner.status(p.name)).position)) ?? 0n),
    );
    if (lags.every((lag) => lag === 0n)) return;
    if (Date.now() >= deadline) return void logger.warn({ behind: lags.map(String) }, 'read models still catching up; serving meanwhile');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
