import 'reflect-metadata';
import { loadConfig, storageMode } from './infrastructure/config/config';
import { openInfrastructure } from './composition/open-infrastructure';
import { readModelsCaughtUp, startProjectionWorker, type ProjectionWorker } from './composition/projection-worker-process';
import { startupFailureLine } from './infrastructure/infrastructure';
import { createLogger } from './infrastructure/logging/logger';
import { createHttpApp } from './composition/http-app';

/** Starts the gateway. A wrong or unreachable setting stops it with one line naming the setting. */
async function main(): Promise<void> {
  const loaded = loadConfig();
  // Projections in a child process (the default): their work stays off the request thread.
  const forkWorker = loaded.runProjections && loaded.projectionWorker;
  const config = forkWorker ? { ...loaded, runProjections: false } : loaded;
  const logger = createLogger(config.logLevel, { async: true });
  const infra = await openInfrastructure(config, { logger });
  // The worker signs the audit checkpoints: a missing, unreadable or exposed key stops the start here, named once.
  if (forkWorker) infra.auditSigner();
  const worker: ProjectionWorker | undefined = forkWorker ? startProjectionWorker(logger, infra.embeddedUrl) : undefined;
  const app = await createHttpApp(infra, logger); // initialised: the registers are seeded on a first start
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    const workerStopped = worker?.stop(); // at once, so a worker ending now is not restarted
    await app.close();
    await workerStopped; // before the embedded database it reads closes
    await infra.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  if (worker) {
    await worker.ready;
    await readModelsCaughtUp(infra, logger, () => closing);
  }
  if (closing) return;
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  logger.info({ port: address.port, storage: storageMode(config), https: Boolean(config.tls) }, `NIK gateway listening on port ${address.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine(error) ?? `Cannot start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(1);
});
