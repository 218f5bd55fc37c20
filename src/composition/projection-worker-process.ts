import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino, { type Logger } from 'pino';
import { comparePositions } from '../infrastructure/event-store/event-store.port';
import { maskPersonalData } from '../infrastructure/event-store/personal-data';
import type { Infrastructure } from '../infrastructure/infrastructure';

/** How the service hands its embedded database's socket URL to the worker (not a setting: set by the service). */
export const EMBEDDED_URL_VARIABLE = 'NIK_GATEWAY_EMBEDDED_URL';
/** What the worker sends its parent once its storage is open and its projections run. */
export const WORKER_READY = 'projection-worker-ready';
const FIRST_RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;
/** A worker that ran this long before it ended is restarted after the first delay again (not a crash loop). */
const STEADY_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export interface ProjectionWorker {
  readonly pid: number | undefined;
  /** Resolves once the first worker runs; rejects, naming why, if it ended before (the service then does not start). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Forks the projection worker (src/projection-worker.ts) and keeps it running: a worker that ends later is
 * restarted (after 1 s, doubling to 30 s while it keeps failing). Its log lines are written through this
 * process's log destination, so two processes never interleave inside one line; anything else it prints
 * is logged with NIK-shaped runs masked.
 */
export function startProjectionWorker(logger: Logger, embeddedUrl: string | undefined): ProjectionWorker {
  const destination = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym]!;
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = FIRST_RESTART_MS;
  let restartTimer: NodeJS.Timeout | undefined;
  let firstReady: { resolve(): void; reject(error: Error): void; settled: boolean } | undefined;
  const ready = new Promise<void>((resolve, reject) => (firstReady = { resolve, reject, settled: false }));
  ready.catch(() => undefined); // observed by main; never an unhandled rejection here

  const scheduleRestart = (why: Record<string, unknown>) => {
    if (stopping) return;
    logger.error({ ...why, restartInMs: delay }, 'projection worker ended; restarting it');
    restartTimer = setTimeout(start, delay);
    delay = Math.min(delay * 2, MAX_RESTART_MS);
  };

  function start(): void {
    const started = Date.now();
    const lastErrors: string[] = [];
    let worker: ChildProcess;
    try {
      worker = fork(join(__dirname, '..', 'projection-worker.js'), [], {
        env: { ...process.env, ...(embeddedUrl ? { [EMBEDDED_URL_VARIABLE]: embeddedUrl } : {}) },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
    } catch (error) {
      return scheduleRestart({ err: (error as { code?: string }).code ?? (error as Error).name });
    }
    child = worker;
    createInterface({ input: worker.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) destination.write(`${line}\n`);
      else logger.info({ worker: worker.pid }, maskPersonalData(line));
    });
    createInterface({ input: worker.stderr! }).on('line', (line) => {
      const masked = maskPersonalData(line);
      lastErrors.push(masked);
      if (lastErrors.length > 5) lastErrors.shift();
      logger.error({ worker: worker.pid }, `projection worker: ${masked}`);
    });
    worker.on('message', (message) => {
      if (message === WORKER_READY && firstReady && !firstReady.settled) {
        firstReady.settled = true;
        firstReady.resolve();
      }
    });
    // A fork the system refused (EAGAIN, ENOMEM) is an 'error', never a crash of the service.
    worker.on('error', (error) => logger.error({ worker: worker.pid, err: (error as { code?: string }).code ?? error.name }, 'projection worker failed'));
    worker.on('close', (code, signal) => {
      if (child === worker) child = undefined;
      if (firstReady && !firstReady.settled) {
        firstReady.settled = true;
        if (stopping) return firstReady.resolve(); // stopped while starting: the service is stopping too
        return firstReady.reject(new Error(`the projection worker ended before it ran (${lastErrors.at(-1) ?? `exit ${code ?? signal}`})`));
      }
      if (Date.now() - started > STEADY_MS) delay = FIRST_RESTART_MS;
      scheduleRestart({ worker: worker.pid, code, signal });
    });
    logger.info({ worker: worker.pid }, 'projection worker started');
  }
  start();

  return {
    get pid() {
      return child?.pid;
    },
    ready,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const worker = child;
      if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
      // 'close', not 'exit': its last log lines are read out of the pipes first.
      const closed = new Promise((resolve) => worker.once('close', resolve));
      worker.kill('SIGTERM');
      const grace = setTimeout(() => worker.kill('SIGKILL'), STOP_GRACE_MS);
      await closed;
      clearTimeout(grace);
    },
  };
}

/**
 * Waits until every projection has read the log to its end (as the runner's stored checkpoints show), so
 * the service's first answers after a start read current read models (a clerk's first list after a restart
 * is not missing what was recorded before it). Gives up after `timeoutMs` with a warning: a long backlog
 * must not keep the service down; the read models then catch up while it serves. One look at the log's
 * head per 200 ms, against the checkpoint furthest behind (on every store, EventStoreDB included).
 */
export async function readModelsCaughtUp(infra: Infrastructure, logger: Logger, stopWaiting: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stopWaiting()) {
    const positions = await Promise.all(infra.projections.map(async (p) => (await infra.runner.status(p.name)).position));
    const furthestBehind = positions.reduce((min, p) => (comparePositions(p, min) < 0 ? p : min));
    if (!(await infra.eventStore.hasEventsAfter(furthestBehind))) return;
    if (Date.now() >= deadline) {
      const behind = await infra.eventStore.countEvents(furthestBehind);
      return void logger.warn({ behind: behind === undefined ? 'unknown' : String(behind) }, 'read models still catching up; serving meanwhile');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
