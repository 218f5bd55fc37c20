import 'reflect-metadata';
import { loadConfig, storageMode } from './infrastructure/config/config';
import { openInfrastructure } from './composition/open-infrastructure';
import { readModelsCaughtUp, startProjectionWorker, type ProjectionWorker } from './composition/projection-worker-process';
import { startupFailureLine } from './infrastructure/infrastructure';
import { createLogger } from './infrastructure/logging/logger';
import { createHttpApp } from './composition/http-app';
import { checkListenAddress, listenFailure } from './infrastructure/http/listen-address';

/** Starts the gateway. A wrong or unreachable setting stops it with one line naming the setting. */
async function main(): Promise<void> {
  const loaded = loadConfig();
  await checkListenAddress(loaded.host, loaded.port); // a taken PORT or a wrong HOST, before seconds of opening the database
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
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return; // Ctrl-C under npm start arrives twice (the terminal's and npm's forwarded one)
    closing = true;
    const workerStopped = worker?.stop(); // at once, so a worker ending now is not restarted
    await app.close();
    await workerStopped; // before the embedded database it reads closes
    await infra.close();
    logger.info({ signal }, 'NIK gateway stopped');
    // A person at a terminal reads a sentence; a log collector (stderr not a terminal) has the line above.
    if (process.stderr.isTTY) process.stderr.write(`Gateway berhenti (${signal === 'SIGINT' ? 'Ctrl-C' : signal}).\n`);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (worker) {
    await worker.ready;
    await readModelsCaughtUp(infra, logger, () => closing);
  }
  if (closing) return;
  await app.listen(config.port, config.host).catch((error: unknown) => {
    throw listenFailure(error, config.host, config.port) ?? error; // taken since the check above
  });
  const address = app.getHttpServer().address() as { port: number };
  logger.info({ port: address.port, storage: storageMode(config), https: Boolean(config.tls) }, `NIK gateway listening on port ${address.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine(error) ?? `Cannot start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(1);
});
