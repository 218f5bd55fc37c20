import 'reflect-metadata';
import { loadConfig, storageMode } from './infrastructure/config/config';
import { openInfrastructure } from './composition/open-infrastructure';
import { startupFailureLine } from './infrastructure/infrastructure';
import { createLogger } from './infrastructure/logging/logger';
import { createHttpApp } from './composition/http-app';

/** Starts the gateway. A wrong or unreachable setting stops it with one line naming the setting. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { async: true });
  const infra = await openInfrastructure(config, { logger });
  const app = await createHttpApp(infra, logger);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await infra.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  logger.info({ port: address.port, storage: storageMode(config), https: Boolean(config.tls) }, `NIK gateway listening on port ${address.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine(error) ?? `Cannot start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(1);
});
