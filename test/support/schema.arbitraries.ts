import fc from 'fast-check';
import type { JsonSchema } from '../../src/infrastructure/event-store/event-schemas';

/** Valid data for a registered event schema (the subset of JSON Schema the registry allows). */
export function arbitraryFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, arbitraryFor(s)]));
      return fc.record(properties, { requiredKeys: [...(schema.required ?? [])] });
    }
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const constraints = { maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)), minLength };
      return schema.uniqueItems ? fc.uniqueArray(arbitraryFor(schema.items!), constraints) : fc.array(arbitraryFor(schema.items!), constraints);
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'date-time')
        return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'date')
        return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 40) }).filter((s) => !/\d/.test(s));
    default:
      throw new Error(`no generator for schema type ${String(schema.type)}`);
  }
}

/** JSON-pointer-like paths of every leaf field of a value (nested objects and array items included). */
export function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  }
  return [path];
}

export function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, replacement) : v));
  const record = value as Record<string, unknown>;
  return { ...record, [head!]: setAt(record[head!], rest, replacement) };
}
