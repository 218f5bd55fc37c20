import { Global, Module, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Infrastructure } from '../infrastructure';
import { INFRASTRUCTURE, LOGGER } from '../infrastructure.module';
import { Metrics } from './metrics';

/** One Metrics (one prom-client Registry) per application instance; global so any module can count and register its own. */
@Global()
@Module({
  providers: [{ provide: Metrics, inject: [INFRASTRUCTURE, LOGGER], useFactory: (infra: Infrastructure, logger: Logger) => new Metrics(infra, logger) }],
  exports: [Metrics],
})
export class MetricsModule implements OnModuleDestroy {
  constructor(private readonly metrics: Metrics) {}

  onModuleDestroy(): void {
    this.metrics.registry.clear();
  }
}
