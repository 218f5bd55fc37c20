import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { Type, type Static, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * The schemas of the API's answers, written once with TypeBox: the object is the JSON Schema the OpenAPI
 * document carries (/docs-json), `Static` of it the TypeScript type the route returns, so what the code
 * answers and what the document promises are one thing.
 *
 * The document is OpenAPI 3.1 (http-app.ts sets it; @nestjs/swagger 12 writes 3.0.0 by default): 3.1's
 * schemas are JSON Schema, so "or null" is `anyOf: [..., {type: 'null'}]` as TypeBox writes it and ajv reads
 * it, where 3.0's `nullable: true` would need its own reading (and cannot apply to a `$ref`).
 */

/** An answer object: every field listed (the list is complete: `additionalProperties: false`). */
export const Answer = <P extends TProperties>(properties: P, options: { description?: string } = {}): TObject<P> =>
  Type.Object(properties, { additionalProperties: false, ...options });
/** A value or null (OpenAPI 3.1 / JSON Schema). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One of a fixed list of strings (JSON Schema `enum`), as event schemas write it. */
export { OneOf } from '../event-store/typed-events';

const components = new Map<string, TSchema>();

/**
 * A named schema (components.schemas.<name> in the document), used through the `$ref` returned: for shapes
 * clients name and share (Person, Agreement, ...). Registered when the module defining it is loaded.
 */
export function Component<T extends TSchema>(name: string, schema: T): TUnsafe<Static<T>> {
  if (components.has(name) && components.get(name) !== schema) throw new Error(`Two answer schemas are named ${name}`);
  components.set(name, schema);
  return Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${name}` });
}

/** The schema as JSON (TypeBox's own markers are symbols, which JSON drops). */
export const plainSchema = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

/** Adds every named answer schema to the document's components. */
export function documentComponents(document: { components?: { schemas?: Record<string, unknown> } }): void {
  document.components ??= {};
  document.components.schemas ??= {};
  for (const [name, schema] of components) document.components.schemas[name] = plainSchema(schema);
}

/** The file types an answer may also come as (`?format=`), with their content types. */
export const FILE_TYPES = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  text: 'text/plain',
} as const;

const FILE = { type: 'string', format: 'binary' } as const;

/**
 * Documents a 2xx answer: its JSON schema, and the files the same route gives (`files`), each as binary of
 * its content type. `schema` null: a route that answers only files.
 */
export function ApiAnswer(
  schema: TSchema | null,
  options: { readonly status?: number; readonly description: string; readonly files?: readonly (keyof typeof FILE_TYPES)[] },
): MethodDecorator {
  const content: Record<string, { schema: object }> = {};
  if (schema) content['application/json'] = { schema: plainSchema(schema) };
  for (const file of options.files ?? []) content[FILE_TYPES[file]] = { schema: file === 'text' ? { type: 'string' } : FILE };
  return applyDecorators(ApiResponse({ status: options.status ?? 200, description: options.description, content: content as never }));
}
