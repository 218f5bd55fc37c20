import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** An OpenAPI 3.1 document as far as these checks read it. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
  readonly components: { readonly schemas: Record<string, Record<string, unknown>> };
}

/**
 * The JSON schema the document gives one answer (method, path template, status), compiled with ajv, its
 * `$ref`s read against the document's components. Unknown keywords (example, x-agreement-field) are
 * annotations, and ignored.
 */
export function documentedAnswer(document: OpenApiDocument, method: string, path: string, status: number): ValidateFunction {
  const schema = document.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${path} documents no JSON answer for ${status}`);
  return answerAjv().compile({ ...schema, components: document.components });
}

/** The ajv the answers are checked with: JSON Schema as OpenAPI 3.1 writes it, every format it uses known. */
export function answerAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  return ajv;
}

/** The errors of an answer against its documented schema, readable in a failed expectation ([] when it fits). */
export function answerErrors(validate: ValidateFunction, body: unknown): string[] {
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}
