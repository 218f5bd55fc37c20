import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Infrastructure } from './infrastructure';
import { EVENT_STORE } from './event-store/event-store.port';
import { PROJECTIONS } from './projections/projection';
import { ProjectionRunner } from './projections/projection-runner';

export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
export const LOGGER = Symbol('LOGGER');

/**
 * Storage opened before Nest starts (so a bad setting stops start-up with one line), handed in as values;
 * `values` are further ones the composition root opened for the modules (the audit signer).
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(infra: Infrastructure, logger: Logger, values: readonly Provider[] = []): DynamicModule {
    const tokens = values.map((value) => ('provide' in value ? value.provide : value));
    return {
      module: InfrastructureModule,
      providers: [
        { provide: INFRASTRUCTURE, useValue: infra },
        { provide: LOGGER, useValue: logger },
        { provide: EVENT_STORE, useValue: infra.eventStore },
        { provide: DataSource, useValue: infra.dataSource },
        { provide: ProjectionRunner, useValue: infra.runner },
        { provide: PROJECTIONS, useValue: infra.projections },
        ...values,
      ],
      exports: [INFRASTRUCTURE, LOGGER, EVENT_STORE, DataSource, ProjectionRunner, PROJECTIONS, ...tokens],
    };
  }
}
