import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isUuid } from '../ids';
import { safePath } from './logger';

declare module 'http' {
  interface IncomingMessage {
    /** The request id (requestLogging): the client's X-Request-Id when it is a UUID, else the gateway's own. */
    id: string;
  }
}

/**
 * One log line per answered request, written once the answer is sent (off the request's critical path):
 * its id, method, path (query dropped, long digit runs masked), status and time, never headers or bodies.
 * The id is the client's X-Request-Id when it is a UUID, else one of ours; the events the request records
 * carry it as their correlation id. A 5xx logs at error, an answer the client did not wait for at warn.
 */
export function requestLogging(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const id = isUuid(given) ? given : randomUUID();
    req.id = id;
    const started = performance.now();
    res.once('close', () => {
      const path = safePath(req.originalUrl);
      const responseTime = Math.round(performance.now() - started);
      const line = { req: { id, method: req.method, path }, res: { statusCode: res.headersSent ? res.statusCode : null }, responseTime };
      if (!res.writableFinished) logger.warn(line, `${req.method} ${path} aborted`);
      else if (res.statusCode >= 500) logger.error(line, `${req.method} ${path} ${res.statusCode}`);
      else logger.info(line, `${req.method} ${path} ${res.statusCode}`);
    });
    next();
  };
}
