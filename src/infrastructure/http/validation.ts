import { ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from '../time/wib';
import { Refusal } from '../refusal';

/**
 * Bodies are whitelisted: unknown fields are refused, types are checked, and the answer names the
 * fields and rules that failed, never the values sent.
 */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors: ValidationError[]) => {
    const problems = flatten(errors);
    const unknown = problems.find((p) => p.constraint === 'whitelistValidation');
    // Never repeat the unknown field's name: it is text of the caller's choosing.
    if (unknown) return new Refusal(400, 'FIELD_NOT_ALLOWED', 'The body has a field that is not part of this request.');
    return new Refusal(400, 'VALIDATION_FAILED', problems.map((p) => p.message).join('; ') || 'The body is not valid.');
  },
});

function flatten(errors: ValidationError[], prefix = ''): { field: string; constraint: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field: safeField(field),
      constraint,
      message: message.replace(error.property, safeField(field)),
    }));
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}

/** A field name the caller sent may be anything (a name, a NIK): only echo plain identifiers. */
function safeField(field: string): string {
  return /^[A-Za-z][A-Za-z0-9_.]{0,40}$/.test(field) ? field : '(unnamed field)';
}

/** A path id that must be a UUID: 400 ID_MALFORMED otherwise. */
export const UuidParam = new ParseUUIDPipe({ exceptionFactory: () => new Refusal(400, 'ID_MALFORMED', 'The id in the path is not a valid UUID.') });

/** A calendar date (YYYY-MM-DD) that exists: 2023-02-29 is refused. */
export function IsCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a date that exists, as YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value) },
    });
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

function hasControlCharacter(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (depth > 10 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => CONTROL.test(k) || hasControlCharacter(v, depth + 1));
}

/**
 * Deeper than any request of this API (an evaluation's note is three levels down). Validation walks a body
 * recursively: a few thousand levels, which fit in 16 kB, overflow the stack there (a 500), and the
 * control-character check above stops at this depth.
 */
const MAX_BODY_DEPTH = 10;

function tooDeep(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_BODY_DEPTH) return true;
  return Object.values(value).some((v) => tooDeep(v, depth + 1));
}

/**
 * No field of any request may carry control characters (NUL breaks PostgreSQL text; none has a use here),
 * and no body may be nested deeper than any request of the API. A preValidation hook: after the body is
 * read, before the route's guard and pipes.
 */
export function refuseControlCharacters(request: { body?: unknown }, reply: { code(n: number): { send(b: unknown): unknown } }, done: () => void): void {
  if (tooDeep(request.body)) {
    void reply.code(400).send({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'The body is nested too deeply.' });
    return;
  }
  if (!hasControlCharacter(request.body)) return done();
  void reply.code(400).send({ statusCode: 400, code: 'CONTROL_CHARACTER', message: 'Text fields may not contain control characters.' });
}
