import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import type { Infrastructure } from './infrastructure/bootstrap';
import { HealthModule } from './infrastructure/health/health.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { ProjectionHostService } from './infrastructure/projections/projection-host.service';
import { AccessModule } from './modules/access/access.module';
import { BalikanModule } from './modules/balikan/balikan.module';
import { ReportingModule } from './modules/reporting/reporting.module';
import { AuditModule } from './modules/audit/audit.module';
import { MetricsModule } from './infrastructure/metrics/metrics.module';
import { StoredEventsPublisher } from './infrastructure/event-store/stored-events.publisher';

/** The HTTP application. Feature modules (access, balikan, reporting) are added here as they land. */
@Module({})
export class AppModule {
  static register(infra: Infrastructure, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(infra, logger), CqrsModule.forRoot(), HealthModule, MetricsModule, AccessModule, BalikanModule, ReportingModule, AuditModule],
      providers: [ProjectionHostService, StoredEventsPublisher],
    };
  }
}
