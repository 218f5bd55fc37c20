import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppendOutcomeUnknownError, AppendTooLargeError, EventRejectedError, StoreUnavailableError, WrongExpectedRevisionError } from '../event-store/errors';
import { isConnectionFailure } from '../event-store/postgres/postgres-errors';
import { Refusal, type ErrorBody, type RefusalListener, type RefusedParty } from '../refusal';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

const GENERIC_MESSAGE: Record<number, string> = {
  400: 'The request is not valid.',
  401: 'Authentication is required.',
  403: 'This is not allowed.',
  404: 'There is nothing here.',
  405: 'This method is not allowed here.',
  413: 'The body is too large.',
  415: 'Send JSON.',
  429: 'Too many requests; slow down.',
  503: 'The service is not ready; retry later.',
};

/**
 * Turns every error into the documented body. Client mistakes keep their 4xx; anything unexpected is a
 * 500 with a generic message (the detail goes to the log, without request data), never a stack trace.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    /** Told of every refusal before it is answered (the access module records denials of access). */
    private readonly listener?: RefusalListener,
  ) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<FastifyRequest & { routeTemplate?: string; caller?: RefusedParty }>();
    const response = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof Refusal && this.listener) {
      try {
        await this.listener.refused(error, {
          route: request.routeTemplate ?? `${request.method} ${request.routeOptions.url ?? ''}`,
          correlationId: typeof request.id === 'string' ? request.id : undefined,
          party: error.details.party ?? request.caller,
        });
      } catch (recordingFailed) {
        // A refusal that must be recorded and cannot be is not answered as a refusal: the client retries.
        error = recordingFailed;
      }
    }
    const body = this.toBody(error, request.method);
    if (body.statusCode >= 500) {
      // Type, code and stack only: an error's message may quote data (a driver echoing a value).
      const err = error as { name?: string; code?: unknown; stack?: string };
      this.logger.error({ err: { type: err?.name, code: err?.code, stack: err?.stack?.split('\n').slice(1, 6).join('\n') } }, `request failed: ${body.code}`);
    }
    if (!response.sent) {
      if (error instanceof Refusal && error.details.retryAfter !== undefined) void response.header('Retry-After', String(error.details.retryAfter));
      void response.status(body.statusCode).send(body);
    }
  }

  private toBody(error: unknown, method: string): ErrorBody {
    if (error instanceof Refusal) {
      const { accessId, registryReason } = error.details;
      return {
        statusCode: error.status,
        code: error.code,
        message: error.message,
        ...(accessId ? { accessId } : {}),
        ...(registryReason !== undefined ? { registryReason } : {}),
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const payload = error.getResponse();
      if (typeof payload === 'object' && payload && typeof (payload as ErrorBody).code === 'string') {
        const { code, message, accessId } = payload as ErrorBody;
        return { statusCode: status, code, message, ...(accessId ? { accessId } : {}) };
      }
      // Framework messages can echo the path or the body: answer in our own words. Fastify's own refusals
      // arrive here too (Nest maps them to HttpException): a body over the limit before it is read (413),
      // one shorter than its Content-Length (400).
      return { statusCode: status, code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message: GENERIC_MESSAGE[status] ?? 'The request was refused.' };
    }
    // Text PostgreSQL cannot store (bad encoding) or parse: the client's input, answered as such.
    const sqlState = (error as { code?: unknown; driverError?: unknown })?.code;
    if (sqlState === '22021' || sqlState === '22P05' || sqlState === '22P02') {
      return { statusCode: 400, code: 'VALIDATION_FAILED', message: 'A value in the request cannot be stored.' };
    }
    if (error instanceof AppendOutcomeUnknownError) {
      // A GET has no command of the client's to repeat (its append was ours, e.g. a refusal's record).
      if (method === 'GET' || method === 'HEAD')
        return { statusCode: 503, code: 'EVENT_STORE_UNAVAILABLE', message: 'The event store is unavailable; retry later.' };
      return {
        statusCode: 503,
        code: error.code,
        message:
          'The event store did not confirm the change: it may have been recorded. Check before sending it again (a balikan sent again with the same Idempotency-Key is recorded once).',
      };
    }
    if (error instanceof AppendTooLargeError) {
      return {
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The request would record more than the event store takes in one write; send less at once.',
      };
    }
    if (error instanceof StoreUnavailableError) {
      return { statusCode: 503, code: error.code, message: 'The event store is unavailable; retry later.' };
    }
    // The database lost outside the event store (a read model, a profile, a lockout row) mid-request, e.g. a
    // PostgreSQL restart: the same "retry later" as the event store, never a 500 the client cannot act on.
    if (isConnectionFailure(error) || isConnectionFailure((error as { driverError?: unknown })?.driverError)) {
      return { statusCode: 503, code: 'EVENT_STORE_UNAVAILABLE', message: 'The database is unavailable; retry later.' };
    }
    if (error instanceof WrongExpectedRevisionError) {
      return { statusCode: 409, code: 'CONCURRENT_CHANGE', message: 'The record was changed by someone else; reload and retry.' };
    }
    if (error instanceof EventRejectedError) {
      // A bug of ours (a command produced an event the guard refuses), not the client's: fail closed.
      return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'The request could not be recorded.' };
    }
    // Any other error that carries a client status (a plugin's, from reading the request).
    const status = (error as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { statusCode: status, code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message: 'The request could not be read.' };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' };
  }
}
