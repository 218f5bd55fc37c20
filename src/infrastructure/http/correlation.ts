import type { Request } from 'express';

/** The events a request writes carry its request id (its X-Request-Id, or the one the gateway gave it). */
export const correlationOf = (request: Request): { correlationId: string } => ({ correlationId: request.id as string });
