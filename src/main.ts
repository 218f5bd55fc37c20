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
  // Projections in a child process (the default): their reads and writes stay off the request thread.
  const forkWorker = loaded.runProjections && loaded.projectionWorker;
  const config = forkWorker ? { ...loaded, runProjections: false } : loaded;
  const logger = createLogger(config.logLevel, { async: true });
  const infra = await openInfrastructure(config, { logger });
  const worker: ProjectionWorker | undefined = forkWorker ? startProjectionWorker(logger, infra.embeddedUrl) : undefined;
  const app = await createHttpApp(infra, logger);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await worker?.stop(); // before the embedded database it reads closes
    await infra.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.init(); // seeds the registers on a first start: what the read models must have caught up with
  if (worker) await readModelsCaughtUp(infra, logger);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  logger.info({ port: address.port, storage: storageMode(config), https: Boolean(config.tls) }, `NIK gateway listening on port ${address.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine(error) ?? `Cannot start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(1);
});
