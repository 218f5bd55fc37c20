import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { StartupError, type Infrastructure } from '../../infrastructure/infrastructure';
import { EVENT_STORE, type EventStore } from '../../infrastructure/event-store/event-store.port';
import { INFRASTRUCTURE, LOGGER } from '../../infrastructure/infrastructure.module';
import { BalikanClient } from '../../infrastructure/registry/balikan-client';
import { RegistryConnection } from '../../infrastructure/registry/registry-connection';
import { Sealer, embeddedKey, parseKey } from '../../infrastructure/security/sealing';
import { AccessModule } from '../access/access.module';
import { BalikanController } from './balikan.controller';
import { BalikanDeliveryService, WakeBalikanDelivery } from './balikan-delivery.service';
import { SubmitBalikanHandler } from './balikan.handlers';
import { GetBalikanStatusHandler } from './balikan.queries';
import { BalikanOutbox } from './balikan-outbox';
import { BalikanMetrics } from './balikan.metrics';

@Module({
  imports: [AccessModule],
  controllers: [BalikanController],
  providers: [
    BalikanMetrics,
    {
      provide: BalikanOutbox,
      inject: [DataSource, INFRASTRUCTURE, LOGGER],
      useFactory: (db: DataSource, infra: Infrastructure, logger: Logger) => {
        const configured = infra.config.balikan.key;
        if (configured) return new BalikanOutbox(db, new Sealer(parseKey(configured)));
        if (infra.mode !== 'embedded') {
          throw new StartupError(
            'BALIKAN_KEY',
            'is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING (openssl rand -base64 32); the embedded mode generates one',
          );
        }
        const { key, path, created } = embeddedKey(infra.config.dataDir);
        logger.warn(
          { path },
          created ? 'generated the balikan sealing key (mode 0600); back it up with the data' : 'balikan sealing key read from the data directory',
        );
        return new BalikanOutbox(db, new Sealer(key));
      },
    },
    {
      provide: BalikanClient,
      inject: [INFRASTRUCTURE, RegistryConnection],
      useFactory: (infra: Infrastructure, registry: RegistryConnection) => {
        const config = infra.config.balikan;
        const baseUrl = config.url ?? registry.simulator?.url;
        if (!baseUrl) throw new StartupError('BALIKAN_URL', 'is required with REGISTRY_URL');
        return new BalikanClient({ ...config, baseUrl });
      },
    },
    {
      provide: BalikanDeliveryService,
      inject: [EVENT_STORE, BalikanOutbox, BalikanClient, LOGGER, INFRASTRUCTURE],
      useFactory: (store: EventStore, outbox: BalikanOutbox, client: BalikanClient, logger: Logger, infra: Infrastructure) =>
        new BalikanDeliveryService(
          store,
          outbox,
          client,
          logger,
          infra.config.balikan.maxAgeMs,
          infra.config.runBalikanDelivery,
          infra.config.balikan.leaseSeconds,
        ),
    },
    SubmitBalikanHandler,
    GetBalikanStatusHandler,
    WakeBalikanDelivery,
  ],
})
export class BalikanModule {}
