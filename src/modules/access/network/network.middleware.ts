import { Inject, Injectable, type NestMiddleware, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../../../infrastructure/infrastructure.module';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { AccessMetrics } from '../access.metrics';
import { NetworkAllowList, routeOf } from '../../../infrastructure/security/network';
import { NetworkRefusalTally } from './network-refusals';

export const NETWORK_ALLOW_LIST = Symbol('NETWORK_ALLOW_LIST');

/**
 * The closed network (Pasal 3(1)(b)), checked before anything else on every path but /health. Refusals
 * are counted per source network and minute (NetworkRefusalsCounted, see network-refusals.ts), never one
 * event per request: a caller outside must not be able to fill the store.
 */
@Injectable()
export class NetworkMiddleware implements NestMiddleware, OnApplicationShutdown {
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

  private expressApp: unknown;

  /** The Express application whose routes name a refused request in its event. */
  routesOf(expressApp: unknown): void {
    this.expressApp = expressApp;
  }

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (request.path === '/health' || this.allowList.allows(request.ip)) return next();
    this.metrics.refusal('NETWORK_NOT_ALLOWED');
    this.tally.count(request.ip, routeOf(this.expressApp, request.method, request.path));
    response.status(403).json({ statusCode: 403, code: 'NETWORK_NOT_ALLOWED', message: 'Requests are accepted only from the closed network.' });
  }
}
