import type { FastifyRequest } from 'fastify';

/** The events a request writes carry its request id (its X-Request-Id, or the one the gateway gave it). */
export const correlationOf = (request: FastifyRequest): { correlationId: string } => ({ correlationId: request.id });
