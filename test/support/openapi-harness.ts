import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Holds the OpenAPI document to the code: every answer a suite receives through startApp().http()
 * (supertest) or gatewayClient() (fetch) is recorded, and at the end of each test file
 * (openapi-harness.setup.ts) matched to its operation in the document and checked: a documented status,
 * a documented content type, a JSON body valid against the documented schema, an error code in the
 * route's enum for that status. The document is the application's own /docs-json, generated once per
 * run by the global setup from the source (global-setup.ts); gateways spawned from dist/ are assumed
 * built from the same source (the e2e specs need `npm run build` first anyway).
 */

/**
 * Every 2xx answer is validated against its documented schema, and a 2xx without one is a violation
 * (test/architecture/answer-schemas.spec.ts holds that each documents one). `false` only in the harness's
 * own unit spec, to check status-only matching.
 */
export const REQUIRE_2XX_SCHEMAS = true;

export interface RecordedAnswer {
  method: string;
  /** As requested, query included. */
  path: string;
  status: number;
  /** The Content-Type header, or undefined when the answer has none. */
  contentType?: string;
  /** The parsed body of a JSON answer; undefined for any other. */
  body?: unknown;
  /** Whether the answer had any body at all. */
  hasBody: boolean;
}

/** Every answer of this test file; recorded only inside jest (the setup file turns it on), never in a bench. */
export const recorder: { active: boolean; answers: RecordedAnswer[] } = { active: false, answers: [] };

export function recordAnswer(answer: RecordedAnswer): void {
  if (recorder.active) recorder.answers.push(answer);
}

export interface HarnessResult {
  /** Answers matched to an operation and checked. */
  checked: number;
  /**
   * Answers outside the API, counted but not checked: a path no operation's template matches (the
   * console's files, /docs, the ROUTE_NOT_FOUND probes), a method the path has no operation for, HEAD
   * and OPTIONS (no body to check), and the body-less 400, 408, 413 and 431 Node's HTTP parser answers
   * before any route is reached.
   */
  skipped: number;
  violations: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation | unknown>>;
  components?: unknown;
}
interface Operation {
  responses?: Record<string, Response>;
}
interface Response {
  description?: string;
  content?: Record<string, { schema?: object }>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Checks recorded answers against a document; pure, so the harness itself can be tested (openapi-harness.unit.spec.ts). */
export function checkAnswers(
  document: OpenApiDocument,
  answers: readonly RecordedAnswer[],
  options = { require2xxSchemas: REQUIRE_2XX_SCHEMAS },
): HarnessResult {
  const harness = harnessFor(document);
  const result: HarnessResult = { checked: 0, skipped: 0, violations: [] };
  for (const answer of answers) {
    const violation = harness.check(answer, options.require2xxSchemas);
    if (violation === SKIPPED) result.skipped++;
    else {
      result.checked++;
      if (violation) result.violations.push(violation);
    }
  }
  return result;
}

const SKIPPED = Symbol('skipped');
const PARSER_STATUSES = new Set([408, 413, 431, 400]);

const harnesses = new WeakMap<object, ReturnType<typeof buildHarness>>();
function harnessFor(document: OpenApiDocument) {
  let harness = harnesses.get(document);
  if (!harness) harnesses.set(document, (harness = buildHarness(document)));
  return harness;
}

function buildHarness(document: OpenApiDocument) {
  // The whole document is one schema in ajv; each response schema is compiled with its local refs
  // ("#/components/schemas/Error") pointed into it. OpenAPI 3.0's `nullable` is ajv's own keyword.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: 'openapi', components: document.components ?? {} });
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}/?$`, 'i'),
    // The most literal template wins ("/v1/reports/bupati-summary" over "/v1/reports/{id}").
    params: (template.match(/\{/g) ?? []).length,
  }));
  const validators = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: object) => {
    let validate = validators.get(key);
    if (!validate) validators.set(key, (validate = ajv.compile(pointedInto(schema))));
    return validate;
  };

  return {
    check(answer: RecordedAnswer, require2xxSchemas: boolean): string | undefined | typeof SKIPPED {
      const method = answer.method.toLowerCase();
      if (method === 'head' || method === 'options') return SKIPPED;
      // Node's HTTP parser answers these by itself, without a body, before any route (http-app.ts answerUnparsableRequest).
      if (PARSER_STATUSES.has(answer.status) && !answer.hasBody) return SKIPPED;
      const path = answer.path.split('?')[0]!;
      const match = templates
        .filter((t) => t.pattern.test(path) && HTTP_METHODS.includes(method) && document.paths[t.template]![method])
        .sort((a, b) => a.params - b.params)[0];
      if (!match) return SKIPPED;
      const operation = document.paths[match.template]![method] as Operation;
      const route = `${answer.method.toUpperCase()} ${match.template}`;
      const response = operation.responses?.[String(answer.status)] ?? operation.responses?.default;
      if (!response) return `${route} answered ${answer.status}, a status it does not document (${describe(answer)})`;
      const media = answer.contentType?.split(';')[0]!.trim().toLowerCase();
      const success = answer.status >= 200 && answer.status < 300;
      if (!response.content) {
        if (success && !require2xxSchemas) return undefined;
        if (!answer.hasBody) return undefined;
        return `${route} ${answer.status}: answered ${media ?? 'a body without Content-Type'}, but the status documents no content`;
      }
      if (!media) return answer.hasBody ? `${route} ${answer.status}: a body without Content-Type` : undefined;
      const documented = Object.keys(response.content).find((type) => mediaMatches(type, media));
      if (!documented) return `${route} ${answer.status}: content type ${media} is not documented (${Object.keys(response.content).join(', ')})`;
      if (!isJson(media)) return undefined;
      const schema = response.content[documented]!.schema;
      if (!schema) return success && require2xxSchemas ? `${route} ${answer.status}: no schema documented for ${media}` : undefined;
      const codes = enumOfCode(schema);
      const code = (answer.body as { code?: unknown } | undefined)?.code;
      if (!success && codes && typeof code === 'string' && !codes.includes(code)) {
        return `${route} ${answer.status}: code ${code} is not documented for this route and status (documented: ${codes.join(', ')}) (${describe(answer)})`;
      }
      const validate = validator(`${route} ${answer.status} ${documented}`, schema);
      if (!validate(answer.body)) {
        return `${route} ${answer.status}: the body does not match the documented schema: ${ajv.errorsText(validate.errors, { dataVar: 'body' })} (${describe(answer)})`;
      }
      return undefined;
    },
  };
}

/** A copy of a schema whose local $refs point into the document added to ajv as "openapi". */
function pointedInto(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `openapi${value}` : value,
  ) as object;
}

/** The `code` enum of an error schema, as @Refusals writes it (allOf: Error, then the narrowed code). */
function enumOfCode(schema: object): string[] | undefined {
  const parts = (schema as { allOf?: { properties?: { code?: { enum?: string[] } } }[] }).allOf ?? [schema as { properties?: { code?: { enum?: string[] } } }];
  return parts.map((part) => part.properties?.code?.enum).find(Boolean);
}

function mediaMatches(documented: string, media: string): boolean {
  const type = documented.split(';')[0]!.trim().toLowerCase();
  if (type === '*/*' || type === media) return true;
  return type.endsWith('/*') && media.startsWith(type.slice(0, -1));
}

const isJson = (media: string) => media === 'application/json' || media.endsWith('+json');

function describe(answer: RecordedAnswer): string {
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  return `${answer.method} ${answer.path.split('?')[0]}${body ? ` ${body.length > 300 ? `${body.slice(0, 300)}…` : body}` : ''}`;
}
