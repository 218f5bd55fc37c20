import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { StoredEventsPublisher } from '../infrastructure/event-store/stored-events.publisher';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { MetricsModule } from '../infrastructure/metrics/metrics.module';
import { ProjectionHostService } from '../infrastructure/projections/projection-host.service';
import { AccessModule } from '../modules/access/access.module';
import { AUDIT_SIGNER } from '../modules/audit/audit-signer';
import { AuditModule } from '../modules/audit/audit.module';
import { BalikanModule } from '../modules/balikan/balikan.module';
import { ReportingModule } from '../modules/reporting/reporting.module';
import type { GatewayInfrastructure } from './open-infrastructure';
import { OperationsModule } from './operations/operations.module';

/** The HTTP application: the opened infrastructure, the feature modules, and the operations routes (health, metrics). */
@Module({})
export class AppModule {
  static register(infra: GatewayInfrastructure, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(infra, logger, [{ provide: AUDIT_SIGNER, useValue: infra.auditSigner }]),
        CqrsModule.forRoot(),
        MetricsModule,
        OperationsModule,
        AccessModule,
        BalikanModule,
        ReportingModule,
        AuditModule,
      ],
      providers: [ProjectionHostService, StoredEventsPublisher],
    };
  }
}
