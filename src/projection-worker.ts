import 'reflect-metadata';
import { loadConfig } from './infrastructure/config/config';
import { openInfrastructure } from './composition/open-infrastructure';
import { EMBEDDED_URL_VARIABLE, WORKER_READY } from './composition/projection-worker-process';
import { startupFailureLine, type Infrastructure } from './infrastructure/infrastructure';
import { createLogger } from './infrastructure/logging/logger';
import { ProjectionHostService } from './infrastructure/projections/projection-host.service';

/**
 * The projection worker the service forks (PROJECTION_WORKER=true, the default): every projection and the
 * audit notary, in a process of their own, so their work never queues with requests on the service's
 * thread. It serves no HTTP. It stops when its parent tells it (SIGTERM), or when its parent is gone (the
 * IPC channel closes, even after a kill -9); a Ctrl-C reaches the whole process group, and the parent
 * stops it then. Its log lines go to its parent, which writes them to the log.
 */
const STOP_DEADLINE_MS = 10_000;
let infra: Infrastructure | undefined;
let host: ProjectionHostService | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // An orphan must not keep its projection locks: whatever hangs, the process ends.
  setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
  await host?.onApplicationShutdown();
  await infra?.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.on('SIGINT', () => undefined);
process.once('disconnect', () => void stop());

async function main(): Promise<void> {
  const config = { ...loadConfig(), runProjections: true };
  const logger = createLogger(config.logLevel).child({ process: 'projection-worker' });
  const opened = await openInfrastructure(config, { logger, embeddedUrl: process.env[EMBEDDED_URL_VARIABLE] || undefined });
  infra = opened;
  if (stopping || !process.connected) return void (await opened.close(), process.exit(0));
  host = new ProjectionHostService(opened.runner, opened.projections, logger, opened);
  host.onApplicationBootstrap();
  logger.info({ projections: opened.projections.map((p) => p.name) }, 'projection worker running');
  process.send?.(WORKER_READY);
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine(error) ?? `Projection worker cannot start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(1);
});
