import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isUuid } from '../ids';
import { safePath } from './logger';

/**
 * The request id (Fastify's genReqId, read as `request.id`): the client's X-Request-Id when it is a UUID,
 * else one of ours. The events the request records carry it as their correlation id.
 */
export function requestId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return isUuid(given) ? given : randomUUID();
}

const LOGGED = Symbol('logged');
type Logged = FastifyRequest & { [LOGGED]?: true };

/**
 * One log line per request, written once the answer is sent (an onResponse hook, off the request's
 * critical path): its id, method, path (query dropped, long digit runs masked), status and time, never
 * headers or bodies. A 5xx logs at error; an answer the client did not wait for (the connection closed
 * first) at warn, with no status unless its headers had left.
 */
export class RequestLog {
  constructor(private readonly logger: Logger) {}

  /** Watches for the client going away before the answer is sent (onRequest). */
  watch(request: FastifyRequest, reply: FastifyReply): void {
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished || (request as Logged)[LOGGED]) return;
      (request as Logged)[LOGGED] = true;
      const path = safePath(request.url);
      const line = {
        req: { id: request.id, method: request.method, path },
        res: { statusCode: reply.raw.headersSent ? reply.statusCode : null },
        responseTime: Math.round(reply.elapsedTime),
      };
      this.logger.warn(line, `${request.method} ${path} aborted`);
    });
  }

  /** The answer was sent (onResponse). */
  answered(request: FastifyRequest, reply: FastifyReply): void {
    if ((request as Logged)[LOGGED]) return;
    (request as Logged)[LOGGED] = true;
    const path = safePath(request.url);
    const status = reply.statusCode;
    const line = { req: { id: request.id, method: request.method, path }, res: { statusCode: status }, responseTime: Math.round(reply.elapsedTime) };
    if (status >= 500) this.logger.error(line, `${request.method} ${path} ${status}`);
    else this.logger.info(line, `${request.method} ${path} ${status}`);
  }
}
