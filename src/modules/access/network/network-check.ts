import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../../../infrastructure/infrastructure.module';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { AccessMetrics } from '../access.metrics';
import { NetworkAllowList } from '../../../infrastructure/security/network';
import { NetworkRefusalTally } from './network-refusals';

export const NETWORK_ALLOW_LIST = Symbol('NETWORK_ALLOW_LIST');

/**
 * The closed network (Pasal 3(1)(b)), checked before anything else on every path but /health (an onRequest
 * hook, before the body is read: see http-app.ts). Refusals are counted per source network and minute
 * (NetworkRefusalsCounted, see network-refusals.ts), never one event per request: a caller outside must not
 * be able to fill the store.
 */
@Injectable()
export class NetworkCheck implements OnApplicationShutdown {
  private readonly tally: NetworkRefusalTally;

  constructor(
    @Inject(NETWORK_ALLOW_LIST) private readonly allowList: NetworkAllowList,
    @Inject(EVENT_STORE) store: EventStore,
    private readonly metrics: AccessMetrics,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.tally = new NetworkRefusalTally(store, { onWriteError: (error) => logger.error({ err: (error as Error).name }, 'could not record network refusals') });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tally.close();
  }

  /** Writes the refusals counted so far now, instead of at the end of the minute (tests, operations). */
  flushRefusals(): Promise<void> {
    return this.tally.flush();
  }

  /** Whether a request from `address` to `path` may go on. */
  allows(address: string | undefined, path: string): boolean {
    return path === '/health' || this.allowList.allows(address);
  }

  /** Answers 403 NETWORK_NOT_ALLOWED, counted under `route` ("GET /v1/agreements/:id", "GET /_unmatched"). */
  refuse(address: string | undefined, route: string, reply: FastifyReply): void {
    this.metrics.refusal('NETWORK_NOT_ALLOWED');
    this.tally.count(address, route);
    void reply.code(403).send({ statusCode: 403, code: 'NETWORK_NOT_ALLOWED', message: 'Requests are accepted only from the closed network.' });
  }
}
