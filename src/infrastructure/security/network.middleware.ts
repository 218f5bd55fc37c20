import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../infrastructure.module';
import { DenialRecorder } from '../../modules/access/denials/denial-recorder';
import { NetworkAllowList, routeShape } from './network';

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

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (request.path === '/health' || this.allowList.allows(request.ip)) return next();
    try {
      await this.denials.record('NETWORK_NOT_ALLOWED', { route: routeShape(request.method, request.path), correlationId: request.id as string });
    } catch (error) {
      this.logger.warn({ err: (error as Error).name }, 'could not record a network refusal');
    }
    response.status(403).json({ statusCode: 403, code: 'NETWORK_NOT_ALLOWED', message: 'Requests are accepted only from the closed network.' });
  }
}
