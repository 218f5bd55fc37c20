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
  const responses = applyDecorators(
    ...Object.entries(refusals).map(([status, entries]) =>
      ApiResponse({
        status: Number(status),
        description: (entries ?? []).map((entry) => (typeof entry === 'string' ? entry : `${entry[0]}: ${entry[1]}`)).join('; '),
        schema: errorSchema((entries ?? []).map((entry) => (typeof entry === 'string' ? entry : entry[0]))),
        ...(status === '429' || options.retryAfter?.includes(Number(status) as RefusalStatus) ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
  return (target, key, descriptor) => {
    decorated.push({ target, key, descriptor });
    responses(target, key, descriptor);
  };
}

/** Every route method @Refusals decorated, for documentSuccessWhereMissing. */
const decorated: { target: object; key: string | symbol; descriptor: PropertyDescriptor }[] = [];

// The metadata keys of @HttpCode, @Get/@Post… and @ApiResponse (not exported by either package's entry point).
const HTTP_CODE = '__httpCode__';
const REQUEST_METHOD = 'method';
const API_RESPONSE = 'swagger/apiResponse';
const POST = 1; // RequestMethod.POST

/**
 * Nest's explorer documents a route's default success answer (@HttpCode, else 201 for POST, 200) only when
 * the route has no @ApiResponse at all: for a route whose only ones are its @Refusals, it is added here,
 * before the document is built (all decorators, @HttpCode included, have been applied by then).
 */
export function documentSuccessWhereMissing(): void {
  for (const { target, key, descriptor } of decorated) {
    const method = descriptor.value as object;
    const responses = (Reflect.getMetadata(API_RESPONSE, method) ?? {}) as Record<string, unknown>;
    if (Object.keys(responses).some((status) => status.startsWith('2'))) continue;
    const status = (Reflect.getMetadata(HTTP_CODE, method) as number | undefined) ?? (Reflect.getMetadata(REQUEST_METHOD, method) === POST ? 201 : 200);
    ApiResponse({ status, description: '' })(target, key, descriptor);
  }
}

/** The Error schema narrowed to the given codes. */
export function errorSchema(codes: readonly string[]) {
  return { allOf: [{ $ref: ERROR_SCHEMA_REF }, { type: 'object' as const, properties: { code: { type: 'string' as const, enum: [...codes] } } }] };
}

export const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds after which a retry may succeed', schema: { type: 'integer' as const, minimum: 1 } },
};
