import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { RefusalStatus } from '../refusal';

/** A code, or a code with the words a client needs about it ("NIK_NOT_FOUND", ["NIK_NOT_FOUND", "with accessId"]). */
export type RefusalEntry = string | readonly [code: string, description: string];
export type RefusalList = Partial<Record<RefusalStatus, readonly RefusalEntry[]>>;

/** The statuses whose refusals send Retry-After (seconds): every 429, and the 503s that say when to come back. */
export interface RefusalOptions {
  readonly retryAfter?: readonly RefusalStatus[];
}

export const ERROR_SCHEMA_REF = '#/components/schemas/Error';

/**
 * The error codes a route answers, per status, as the OpenAPI document's schema: `code` is an enum of
 * exactly these (http-app.ts's documentErrors adds the codes every route shares). A test holds the
 * document to the code: every answer the e2e suites receive must carry a documented status and code
 * (test/support/openapi-harness.ts).
 */
export function Refusals(refusals: RefusalList, options: RefusalOptions = {}): MethodDecorator {
  return applyDecorators(
    ...Object.entries(refusals).map(([status, entries]) =>
      ApiResponse({
        status: Number(status),
        description: (entries ?? []).map((entry) => (typeof entry === 'string' ? entry : `${entry[0]}: ${entry[1]}`)).join('; '),
        schema: errorSchema((entries ?? []).map((entry) => (typeof entry === 'string' ? entry : entry[0]))),
        ...(status === '429' || options.retryAfter?.includes(Number(status) as RefusalStatus) ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/** The Error schema narrowed to the given codes. */
export function errorSchema(codes: readonly string[]) {
  return { allOf: [{ $ref: ERROR_SCHEMA_REF }, { type: 'object' as const, properties: { code: { type: 'string' as const, enum: [...codes] } } }] };
}

export const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds after which a retry may succeed', schema: { type: 'integer' as const, minimum: 1 } },
};
