const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A canonical UUID: the only shape opaque ids, request ids and idempotency keys may take. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
