import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../infrastructure.module';
import { DenialRecorder } from '../../modules/access/denials/denial-recorder';
import { NetworkAllowList, routeOf } from './network';
import { correlationOf } from '../http/correlation';

export const NETWORK_ALLOW_LIST = Symbol('NETWORK_ALLOW_LIST');

/**
 * The closed network (Pasal 3(1)(b)), checked before anything else on every path but /health. The
 * refusal is recorded as an AccessDenied event without the caller's address.
 */
@Injectable()
export class NetworkMiddleware implements NestMiddleware {
  constructor(
    @Inject(NETWORK_ALLOW_LIST) private readonly allowList: NetworkAllowList,
    private readonly denials: DenialRecorder,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private expressApp: unknown;

  /** The Express application whose routes name a refused request in its event. */
  routesOf(expressApp: unknown): void {
    this.expressApp = expressApp;
  }

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (request.path === '/health' || this.allowList.allows(request.ip)) return next();
    try {
      await this.denials.record('NETWORK_NOT_ALLOWED', { route: routeOf(this.expressApp, request.method, request.path), ...correlationOf(request) });
    } catch (error) {
      this.logger.error({ err: (error as Error).name }, 'could not record a network refusal');
    }
    response.status(403).json({ statusCode: 403, code: 'NETWORK_NOT_ALLOWED', message: 'Requests are accepted only from the closed network.' });
  }
}
