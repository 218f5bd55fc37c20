import 'reflect-metadata';
import { ConfigError, loadConfig, storageMode } from './infrastructure/config/config';
import { StartupError, openInfrastructure } from './infrastructure/bootstrap';
import { DataDirectoryInUseError } from './infrastructure/database/embedded-postgres';
import { createLogger } from './infrastructure/logging/logger';
import { createHttpApp } from './http-app';

/** Starts the gateway. A wrong or unreachable setting stops it with one line naming the setting. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
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
  logger.info({ port: address.port, storage: storageMode(config) }, `NIK gateway listening on port ${address.port}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else if (error instanceof StartupError) {
    process.stderr.write(`Cannot start: ${error.setting}: ${error.message}\n`);
  } else if (error instanceof DataDirectoryInUseError) {
    process.stderr.write(`Cannot start: DATA_DIR: ${error.message}\n`);
  } else {
    process.stderr.write(`Cannot start: ${(error as Error)?.message ?? String(error)}\n`);
  }
  process.exit(1);
});
