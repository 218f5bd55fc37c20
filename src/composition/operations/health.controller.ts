import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../infrastructure/refusal';
import { Refusals } from '../../infrastructure/http/refusals';
import { Public } from '../../modules/access/auth/access-rule';

/** Liveness and readiness: can we reach the event store and the read-model database? No details leak. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness of the event store and the database (no authentication, no details)' })
  @ApiOkResponse({ description: 'Both reachable' })
  @Refusals({ 503: [['NOT_READY', 'one of them is not reachable']] })
  async check() {
    try {
      return await this.health.check([
        () => this.probe('eventStore', () => this.eventStore.ping()),
        () => this.probe('database', () => this.dataSource.query('SELECT 1')),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const details = (error.getResponse() as { error?: Record<string, unknown> }).error ?? {};
      throw new Refusal(503, 'NOT_READY', `Not ready: ${Object.keys(details).join(', ')} unreachable`);
    }
  }

  private async probe(key: string, ping: () => Promise<unknown>) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(ping(), 3000);
      return indicator.up();
    } catch {
      return indicator.down();
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]);
}
