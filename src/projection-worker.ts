import 'reflect-metadata';
import { loadConfig } from './infrastructure/config/config';
import { openInfrastructure } from './composition/open-infrastructure';
import { startupFailureLine, type Infrastructure } from './infrastructure/infrastructure';
import { createLogger } from './infrastructure/logging/logger';
import { ProjectionHostService } from './infrastructure/projections/projection-host.service';
import { EMBEDDED_URL_VARIABLE } from './composition/projection-worker-process';

/**
 * The projection worker the service forks (PROJECTION_WORKER=true, the default): every projection and the
 * audit notary, in a process of their own, so their reads and writes never queue with requests on the
 * service's thread. It serves no HTTP. It stops when told to (SIGTERM), or when its parent is gone (the
 * IPC channel closes, even after a kill -9). Its log lines go to its parent, which writes them to the log.
 */
let infra: Infrastructure | undefined;
let host: ProjectionHostService | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await host?.onApplicationShutdown();
  await infra?.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.once('disconnect', () => void stop());

async function main(): Promise<void> {
  const config = { ...loadConfig(), runProjections: true };
  const logger = createLogger(config.logLevel).child({ process: 'projection-worker' });
  const opened = await openInfrastructure(config, { logger, embeddedUrl: process.env[EMBEDDED_URL_VARIABLE] || undefined });
  infra = opened;
  if (stopping || !process.connected) return void (await opened.close(), process.exit(0));
  opened.auditSigner(); // the signing key, resolved (and announced) where checkpoints are signed
  host = new ProjectionHostService(opened.runner, opened.projections, logger, opened);
  host.onApplicationBootstrap();
  logger.info({ projections: opened.projections.map((p) => p.name) }, 'projection worker running');
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine(error) ?? `Projection worker cannot start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(1);
});
