import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { isUuid } from '../../src/infrastructure/ids';
import type { Role } from '../../src/modules/access/operators/operator.events';
import { seededFacilities } from '../../src/modules/access/seed/seed';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { AUDITOR_USER_ID } from '../support/parties';

/**
 * Every route of the OpenAPI document, fuzzed: generated bodies (any JSON, the route's own fields with
 * wrong types and values, huge, deep, unicode, control characters, NIK-like numbers, malformed JSON, other
 * content types), path parameters, query strings and headers (garbage and real tokens of every role).
 * Whatever comes in, the answer is below 500, an error has the documented shape and shows nothing
 * internal nor the NIK-like values sent, and a refused request wrote nothing but its AccessDenied.
 *
 * FUZZ_RUNS (default 150) requests per route; FUZZ_SEED replays a failure fast-check reported.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface OpenApi {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, Schema> };
}
interface Route {
  method: Method;
  template: string;
  operation: Operation;
  body?: Schema;
}

/** One generated request, and the NIK-like values it carries (the answer must not repeat them). */
interface FuzzRequest {
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: { text: string; value?: unknown };
  niks: string[];
}

const WHO: Role[] = ['DINKES_ADMIN', 'PUSKESMAS_OPERATOR', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'];

// ---------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------

/** Shaped like a NIK: 16 digits, often with a real province and a birth date that exists, so some pass the NIK check. */
const nikLike = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('33', '31', '32', '35', '91', '94', '11', '99', '00'),
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 1, max: 71 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 1, max: 9999 }),
    )
    .map(([p, r, d, m, y, s]) => `${p}${pad(r, 4)}${pad(d, 2)}${pad(m, 2)}${pad(y, 2)}${pad(s, 4)}`),
  fc.stringMatching(/^[0-9]{16}$/),
);
const pad = (n: number, width: number) => String(n).padStart(width, '0');

const CONTROL_CHARACTERS = [...Array(32).keys(), 127].map((c) => String.fromCharCode(c));
const controlText = fc.string({ unit: fc.oneof(fc.constantFrom(...CONTROL_CHARACTERS), fc.constantFrom('a', '1', ' ')), minLength: 1, maxLength: 12 });
const NASTY = [
  '',
  ' ',
  '..',
  '../../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '\u0000',
  "' OR '1'='1",
  "'; DROP TABLE es_events; --",
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '0x10',
  '__proto__',
  'constructor',
  'prototype',
  '\uFEFF',
  '\u202E',
  '\u200B',
  'Ω≈ç√∫',
  '𝕏𝔂𝔃',
  '\uD800',
  '\uDFFF',
  'e\u0301',
  '٣٣١٣٠٩٥٥١٢٩٠٠٠٠٢',
  '３３１３０９５５１２９０００００２',
];
const hugeText = fc.oneof(
  fc.integer({ min: 300, max: 6_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 15_000, max: 40_000 }).map((n) => 'A'.repeat(n)), // above the 16 kB body limit
  fc.integer({ min: 100, max: 3_000 }).map((n) => 'ä𝕏'.repeat(n)),
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, // any code point, lone surrogates included
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: controlText },
  { weight: 2, arbitrary: nikLike },
  { weight: 1, arbitrary: nikLike.map((n) => `${n.slice(0, 4)}-${n.slice(4, 8)} ${n.slice(8, 12)}.${n.slice(12)}`) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: hugeText },
);
/** Nested a few to a few hundred levels (around the 10 the gateway accepts): still fine for JSON.stringify here. */
const deep = fc
  .tuple(fc.oneof(fc.integer({ min: 2, max: 14 }), fc.integer({ min: 15, max: 300 })), fc.boolean(), fc.oneof(fc.constant<unknown>(1), text))
  .map(([depth, arrays, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
    return value;
  });
/** JSON text nested as deep as the 16 kB limit allows (and deeper), built as text: no recursion on this side. */
const deepText = fc
  .tuple(
    fc.integer({ min: 500, max: 9_000 }),
    fc.constantFrom(['[', ']'], ['{"a":', '}'], ['{"a":[', ']}']),
    fc.constantFrom('1', '"x"', '"\\u0000"', 'null', '{}'),
  )
  .map(([depth, [open, close], leaf]) => `${open!.repeat(depth)}${leaf}${close!.repeat(depth)}`);
const anyJson = fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 }) as fc.Arbitrary<unknown>;
/** A value for a field, any type: mostly wrong for it. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: anyJson },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 2 ** 53 + 1, 1e308, -1e308, 3313095512900002)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { $ne: null }, JSON.parse('{"__proto__":{"polluted":true}}')) },
  { weight: 1, arbitrary: deep },
);
/** A value of a different JSON type than the schema asks for: the field is certainly invalid. */
function wrongTyped(schema: Schema): fc.Arbitrary<unknown> {
  const type = schema.type ?? 'string';
  const choices: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.boolean(), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 })];
  if (type !== 'string') choices.push(text);
  if (type !== 'number' && type !== 'integer') choices.push(fc.integer(), fc.double());
  if (type !== 'array') choices.push(fc.array(fc.string(), { maxLength: 3 }));
  return fc.oneof(...choices);
}

// ---------------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------------

function resolve(doc: OpenApi, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
}

/** A value that a validator might accept for this field (an enum member, a UUID, a date), to get further in. */
function plausible(doc: OpenApi, raw: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw)!;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date')
    return fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (schema.type === 'number' || schema.type === 'integer') return fc.integer({ min: (schema.minimum ?? -10) - 2, max: (schema.maximum ?? 3000) + 2 });
  if (schema.type === 'array') return fc.array(schema.items ? fieldValue(doc, schema.items) : hostileValue, { maxLength: 8 });
  if (schema.type === 'object' || schema.properties) return fieldsOf(doc, schema);
  return fc.oneof(fc.string({ minLength: 1, maxLength: schema.maxLength ?? 60 }), nikLike);
}

function fieldValue(doc: OpenApi, schema: Schema): fc.Arbitrary<unknown> {
  return fc.oneof(hostileValue, plausible(doc, schema));
}

/** An object with the schema's own field names (each present or not), values mostly wrong, sometimes extra keys. */
function fieldsOf(doc: OpenApi, raw: Schema): fc.Arbitrary<Record<string, unknown>> {
  const schema = resolve(doc, raw)!;
  const fields = fc.record(Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, s]) => [name, fieldValue(doc, s)])), { requiredKeys: [] });
  const extra = fc.dictionary(
    fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), nikLike, fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'role')),
    hostileValue,
    { maxKeys: 3 },
  );
  return fc.tuple(fields, fc.option(extra, { freq: 4 })).map(([own, more]) => (more ? { ...more, ...own } : own));
}

/**
 * Routes that create something shared by every suite of the run (an agreement, a facility, an operator, an
 * evaluation): a generated body there always has one required field of the wrong type, so the fuzz never
 * actually signs an agreement or enrols an account. Everywhere else a generated body may be valid: the
 * ids in the path are random (nothing to change) and login, lookup and balikan refuse unknown subjects.
 */
const CREATES_SHARED_STATE = new Set(['post /v1/agreements', 'post /v1/facilities', 'post /v1/operators', 'post /v1/evaluations']);

/** Every required field and some optional ones with a plausible value: the request gets past validation, or fails on one field. */
function nearlyValid(doc: OpenApi, raw: Schema): fc.Arbitrary<Record<string, unknown>> {
  const schema = resolve(doc, raw)!;
  const required = new Set(schema.required ?? []);
  return fc.record(Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, s]) => [name, plausible(doc, s)])), { requiredKeys: [...required] });
}

function schemaBody(doc: OpenApi, route: Route): fc.Arbitrary<Record<string, unknown>> {
  const schema = resolve(doc, route.body)!;
  const required = schema.required ?? [];
  const body = fc.oneof({ weight: 2, arbitrary: fieldsOf(doc, schema) }, { weight: 1, arbitrary: nearlyValid(doc, schema) });
  if (!CREATES_SHARED_STATE.has(`${route.method} ${route.template}`) || required.length === 0) return body;
  return fc
    .tuple(body, fc.constantFrom(...required))
    .chain(([generated, field]) => wrongTyped(resolve(doc, schema.properties![field])!).map((wrong) => ({ ...generated, [field]: wrong })));
}

const MALFORMED = [
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,]',
  'NaN',
  'undefined',
  '{"a":01}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '\uFEFF{}',
  '{}garbage',
  '{"a":1}{"b":2}',
  'nul',
  'tru',
  '"just a string"',
  '42',
  '-',
  '1e99999',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '\u0000',
  '{"a":"\u0000"}',
  '{"\u0000":1}',
  '['.repeat(9_000),
  '{"a":'.repeat(3_000),
  '\xff\xfe{\x00}\x00',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'application/json; charset=koi8-r',
  'application/json; boundary=x',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'text/json',
  'text/plain',
  'text/html',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
  'garbage',
  ';',
  'application/',
  '/json',
];

interface GeneratedBody {
  body?: { text: string; value?: unknown };
  contentType?: string;
  contentEncoding?: string;
}

function bodies(doc: OpenApi, route: Route): fc.Arbitrary<GeneratedBody> {
  const json = (value: unknown) => ({ text: JSON.stringify(value) ?? 'null', value });
  const jsonBody = fc.oneof(
    ...(route.body ? [{ weight: 6, arbitrary: schemaBody(doc, route).map(json) }] : []),
    { weight: 3, arbitrary: anyJson.map(json) },
    { weight: 1, arbitrary: deepText.map((d) => ({ text: route.body ? `{"${Object.keys(resolve(doc, route.body)!.properties ?? { a: 0 })[0]!}":${d}}` : d })) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED).map((raw) => ({ text: raw })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((raw) => ({ text: raw })) },
  );
  // A route without a body mostly gets none, so most requests reach its parameters rather than the body parser.
  return fc.oneof(
    { weight: route.body ? 1 : 12, arbitrary: fc.constant<GeneratedBody>({}) },
    { weight: 6, arbitrary: jsonBody.map((body) => ({ body, contentType: 'application/json' })) },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          body: jsonBody,
          contentType: fc.constantFrom(...CONTENT_TYPES),
          contentEncoding: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-zip', 'gzip, gzip'),
        },
        { requiredKeys: ['body', 'contentType'] },
      ),
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Paths, query strings, headers
// ---------------------------------------------------------------------------------------------------

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be encoded: send the (invalid) UTF-8 of one instead
  }
}

const RAW_SEGMENTS = [
  '..',
  '.',
  '%00',
  '%2e%2e',
  '%2E%2E%2F',
  '%2F',
  '%5C',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AE',
  '%FF',
  ';',
  ';a=b',
  '~',
  '*',
  '@',
  ':id',
  '%7Bid%7D',
  'null',
  'undefined',
  '0',
  '-1',
  'NaN',
  'Infinity',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'index.html',
  '%20',
];
const pathParam = fc.oneof(
  { weight: 4, arbitrary: fc.uuid() }, // well-formed: on to the handler, which finds nothing
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(encode) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(encode) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  {
    weight: 2,
    arbitrary: fc
      .uuid()
      .chain((u) => fc.constantFrom(u, u.toUpperCase(), `{${u}}`, u.replace(/-/g, ''), `${u}x`, ` ${u}`, u.slice(1), `urn:uuid:${u}`))
      .map(encode),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer(), fc.integer({ min: 1990, max: 2110 }), fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.double())
      .map((n) => encode(String(n))),
  },
  { weight: 2, arbitrary: nikLike },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 3_000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('1', '2', '3', '0', '01', '1.0', '+1', ' 1') },
);

/** A report's period in the path, often one that exists, so the report itself is asked for. */
const PERIOD_PARAM: Record<string, fc.Arbitrary<string>> = {
  year: fc.integer({ min: 2020, max: 2031 }).map(String),
  semester: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('1', '2') }, { weight: 1, arbitrary: fc.constantFrom('0', '3', 'I', 'II') }),
};

function queryString(route: Route): fc.Arbitrary<string> {
  const own = (route.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const key = fc.oneof(
    ...(own.length ? [{ weight: 12, arbitrary: fc.constantFrom(...own) }] : []),
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'length', 'nik', 'where', 'limit', 'offset') },
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: text.filter((s) => s.length < 2_000) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'json',
        'pdf',
        'xlsx',
        'csv',
        'PDF',
        'true',
        'false',
        '1',
        '2',
        '2025',
        '2025-01-01',
        '2025-13-45',
        '0',
        '-1',
        '99999999999999999999',
      ),
    },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 3_000 }).map(String) },
    { weight: 1, arbitrary: nikLike },
  );
  const pair = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => `${encode(k)}=${encode(v)}`) },
    { weight: 1, arbitrary: fc.tuple(key, value).map(([k, v]) => `${encode(k)}[]=${encode(v)}`) },
    { weight: 1, arbitrary: fc.tuple(key, fc.string({ maxLength: 5 }), value).map(([k, sub, v]) => `${encode(k)}[${encode(sub)}]=${encode(v)}`) },
    { weight: 1, arbitrary: key.map((k) => encode(k)) },
    { weight: 1, arbitrary: fc.constantFrom('=', '&', '%', '%zz=%zz', '=x', 'a=%00', 'a=%ED%A0%80', 'a==b', 'a=1;b=2', '[]=1', 'a[=1') },
  );
  return fc.array(pair, { maxLength: 5 }).chain((pairs) =>
    // Repeat one pair now and then: repeated keys become arrays.
    fc.boolean().map((repeat) => (repeat && pairs.length ? [...pairs, pairs[0]!] : pairs).join('&')),
  );
}

/** Headers a client may not set freely without breaking the transport itself, and the ones generated on purpose. */
const RESERVED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-connection',
  'x-request-id',
  'authorization',
  'content-type',
  'content-encoding',
]);
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,80}$/),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }), // latin-1 bytes
  nikLike,
  fc.constantFrom('127.0.0.1', '10.0.0.1', '8.8.8.8, 127.0.0.1', '::1', 'unknown', 'POST', 'DELETE', 'https', '*', 'bytes=0-10', 'gzip, br', '../', '%00'),
);
const otherHeaders = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'accept',
          'accept-language',
          'accept-encoding',
          'x-forwarded-for',
          'x-forwarded-host',
          'x-forwarded-proto',
          'x-real-ip',
          'forwarded',
          'x-http-method-override',
          'x-original-url',
          'x-rewrite-url',
          'origin',
          'referer',
          'cookie',
          'if-none-match',
          'if-modified-since',
          'range',
          'user-agent',
          'idempotency-key',
          'x-api-key',
          'prefer',
        ),
        fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
      ),
      headerValue,
    ),
    { maxLength: 5 },
  )
  .map((pairs) => Object.fromEntries(pairs.filter(([name]) => !RESERVED_HEADERS.has(name))));

function authorization(tokens: Map<Role, string>, allowed: Role[]): fc.Arbitrary<string | undefined> {
  const token = fc.constantFrom(...WHO).map((role) => tokens.get(role)!);
  return fc.oneof(
    ...(allowed.length ? [{ weight: 8, arbitrary: fc.constantFrom(...allowed).map((role) => `Bearer ${tokens.get(role)!}`) }] : []),
    { weight: 4, arbitrary: token.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,120}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{20,100}$/).map((junk) => `Bearer ${junk}`) },
    { weight: 1, arbitrary: fc.oneof(nikLike, fc.stringMatching(/^[\x21-\x7e]{1,60}$/)).map((junk) => `Bearer ${junk}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(token, fc.constantFrom('bearer ', 'Bearer  ', 'BEARER ', 'Basic ', 'Token ', 'Bearer'), fc.constantFrom('', ' ', 'x', '.', '=='))
        .map(([t, scheme, tail]) => `${scheme}${t}${tail}`),
    },
  );
}

function requests(doc: OpenApi, route: Route, tokens: Map<Role, string>, allowed: Role[]): fc.Arbitrary<FuzzRequest> {
  const pathNames = [...route.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const headerParams = (route.operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
  return fc
    .record({
      params: fc.tuple(
        ...pathNames.map((name) =>
          PERIOD_PARAM[name] ? fc.oneof({ weight: 3, arbitrary: PERIOD_PARAM[name]! }, { weight: 2, arbitrary: pathParam }) : pathParam,
        ),
      ),
      query: queryString(route),
      body: bodies(doc, route),
      authorization: authorization(tokens, allowed),
      own: fc.tuple(
        ...headerParams.map(() =>
          fc.option(
            fc.oneof(
              fc.uuid(),
              fc.uuid().map((u) => u.toUpperCase()),
              headerValue,
            ),
            { freq: 2 },
          ),
        ),
      ),
      other: otherHeaders,
    })
    .filter(({ params, body }) => !submitsAReport(route, params) && !signsInAsSomeone(route, body))
    .map(({ params, query, body, authorization: auth, own, other }) => {
      let i = 0;
      const path = route.template.replace(/\{[^}]+\}/g, () => params[i++]!);
      const headers: Record<string, string> = { ...other, 'x-request-id': randomUUID() };
      headerParams.forEach((name, n) => {
        if (own[n] != null) headers[name] = own[n]!;
      });
      if (auth !== undefined) headers.authorization = auth;
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      if (body.contentEncoding !== undefined) headers['content-encoding'] = body.contentEncoding;
      const sent = [path, query, body.body?.text ?? '', ...Object.values(headers)].join('\n');
      const req: FuzzRequest = { path, query, headers, body: body.body, niks: nikLikeValuesIn(sent) };
      // fast-check prints a counterexample with this (its own printer would overflow on a body thousands deep).
      return Object.defineProperty(req, fc.toStringMethod, { value: () => describeRequest(route, req), enumerable: false });
    });
}

/**
 * A valid period on POST …/submission would really submit the semester report into the store every
 * suite shares: the fuzz leaves that one combination out (the route's own suite covers it).
 */
function submitsAReport(route: Route, params: string[]): boolean {
  if (route.method !== 'post' || !route.template.endsWith('/submission')) return false;
  const [year, semester] = params.map(safeDecode);
  return /^\d{4}$/.test(year!) && Number(year) >= 2022 && Number(year) <= 2100 && /^[12]$/.test(semester!);
}

/** The user ids that exist (admin, and this suite's own). */
const knownUserIds = new Set<string>(['admin']);

/**
 * Wrong passwords for a real user id would lock that account for 15 minutes, and every suite signs in as
 * admin: the fuzz signs in only as user ids that do not exist (answered alike, by design).
 */
function signsInAsSomeone(route: Route, body: GeneratedBody): boolean {
  if (route.template !== '/v1/auth/login' || !body.body) return false;
  return [...knownUserIds].some((userId) => body.body!.text.includes(JSON.stringify(userId).slice(1, -1)));
}

/** Every run of 16 or more digits (ASCII or any other script's) in what was sent, also as ASCII digits. */
function nikLikeValuesIn(sent: string): string[] {
  const runs = [...`${sent}\n${safeDecode(sent)}`.matchAll(/\p{Nd}{16,}/gu)].map((m) => m[0]);
  return [...new Set([...runs, ...runs.map((run) => [...run].map(asciiDigit).join(''))])];
}

/** A decimal digit of any script as its ASCII digit: its place in the run of digits its code point belongs to. */
function asciiDigit(digit: string): string {
  const code = digit.codePointAt(0)!;
  let start = code;
  while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return String((code - start) % 10);
}

// ---------------------------------------------------------------------------------------------------
// What every answer must be
// ---------------------------------------------------------------------------------------------------

const INTERNAL_DETAIL: [RegExp, string][] = [
  [/ {4}at /, 'a stack frame ("    at ")'],
  [
    /(^|[\s"'])(Error|TypeError|RangeError|SyntaxError|ReferenceError|URIError|EvalError|AggregateError|QueryFailedError|PayloadTooLargeError|UnsupportedMediaTypeError|BadRequestError):/,
    'a Node error prefix',
  ],
  [/\/src\//, 'a source path (/src/)'],
  [/node_modules/, 'a path into node_modules'],
  [/\.ts:|\.js:\d/, 'a file and line (.ts: or .js:)'],
  [/QueryFailedError|EntityNotFound|TypeORMError/, 'a TypeORM error name'],
  [/relation "/, 'a PostgreSQL relation name'],
  [/SELECT |INSERT INTO|UPDATE .* SET|DELETE FROM/, 'SQL text'],
  [/syntax error at|invalid input syntax|violates .* constraint|duplicate key value|sqlState|SQLSTATE/i, 'a PostgreSQL error message'],
];
/** Only in an error: a metric may well be named after what it counts. */
const INTERNAL_DETAIL_IN_ERRORS: [RegExp, string][] = [
  [/es_events|balikan_outbox|balikan_index|operator_accounts|projection_checkpoints|report_archive/, 'a table name'],
];

function isBinary(res: Response): boolean {
  return /application\/(pdf|vnd\.openxmlformats|octet-stream)/.test(String(res.headers['content-type'] ?? ''));
}

function problemsOf(route: Route, req: FuzzRequest, res: Response): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  const text = isBinary(res) ? '' : (res.text ?? '');
  const headers = Object.entries(res.headers as Record<string, string | string[]>)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join('\n');
  // Node's HTTP parser answers a request line and headers over its 16 kB limit itself, before the application
  // sees the request: 431 and no body at all (nothing to leak, nothing the error filter can shape).
  const transportRefusal = res.status === 431 && !text && `${req.path}?${req.query}${Object.values(req.headers).join('')}`.length > 8_000;
  if (res.status >= 400 && !transportRefusal) {
    const body = res.body as Record<string, unknown>;
    const keys = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).sort() : [];
    const shaped =
      /application\/json/.test(String(res.headers['content-type'])) &&
      (keys.join() === 'code,message,statusCode' || keys.join() === 'accessId,code,message,statusCode') &&
      body.statusCode === res.status &&
      typeof body.code === 'string' &&
      /^[A-Z][A-Z0-9_]+$/.test(body.code) &&
      typeof body.message === 'string' &&
      (body.accessId === undefined || isUuid(body.accessId));
    if (!shaped) problems.push(`error body is not {statusCode, code, message}: ${text.slice(0, 300) || '(empty)'}`);
  }
  for (const [pattern, what] of [...INTERNAL_DETAIL, ...(res.status >= 400 ? INTERNAL_DETAIL_IN_ERRORS : [])]) {
    if (pattern.test(text)) problems.push(`shows ${what}: ${text.slice(0, 300)}`);
    if (pattern.test(headers)) problems.push(`a header shows ${what}`);
  }
  // A found person's answer carries the NIK asked for, by design; nothing else may repeat one.
  const personAnswer = res.status === 200 && /^\/v1\/access\//.test(route.template);
  if (!personAnswer) {
    for (const nik of req.niks) {
      if (text.includes(nik) || headers.includes(nik)) problems.push(`repeats a NIK-like value sent: ${nik}`);
    }
  }
  return problems;
}

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A refused request wrote nothing but its AccessDenied (and, if the registry was asked, the access it answers for; a refused sign-in, its attempt). */
async function writesOfRefusal(t: TestApp, floor: string, route: Route, req: FuzzRequest, res: Response): Promise<string[]> {
  const problems: string[] = [];
  const accessId = (res.body as { accessId?: string })?.accessId;
  const rows: { type: string; access_id: string | null }[] = await t.infra.dataSource.query(
    `SELECT type, data->>'accessId' AS access_id FROM es_events WHERE correlation_id = $1 AND global_position > $2`,
    [req.headers['x-request-id'], floor],
  );
  for (const row of rows) {
    const recordedAccess = (row.type === 'NikLookupPerformed' || row.type === 'CardReadRecorded') && accessId !== undefined && row.access_id === accessId;
    // A refused sign-in is counted towards the lockout, for a user id that exists or not alike (by design).
    const countedSignIn = route.template === '/v1/auth/login' && (row.type === 'OperatorSignInAttempted' || row.type === 'OperatorLockedOut');
    if (row.type !== 'AccessDenied' && !recordedAccess && !countedSignIn)
      problems.push(`refused with ${res.status} ${(res.body as { code?: string }).code} yet wrote ${row.type}`);
  }
  // Not every write path passes the request id on (sign-in, the registers' commands, balikan, the Puskesmas-scope
  // and own-account refusals record none): so also, whatever the correlation id, no event on a stream named by
  // an id the request carried (the agreement, operator, reader or access it named).
  const ids = [
    ...new Set(
      [...`${safeDecode(req.path)}\n${req.body?.text ?? ''}\n${req.headers['idempotency-key'] ?? ''}`.matchAll(UUID_IN_TEXT)].map((m) => m[0].toLowerCase()),
    ),
  ];
  if (ids.length) {
    const touched: { stream_id: string; type: string }[] = await t.infra.dataSource.query(
      `SELECT stream_id, type FROM es_events WHERE global_position > $1 AND lower(stream_id) LIKE ANY($2::text[])`,
      [floor, ids.map((id) => `%${id}`)],
    );
    for (const row of touched) problems.push(`refused with ${res.status} ${(res.body as { code?: string }).code} yet ${row.stream_id} gained ${row.type}`);
  }
  // The guard's refusal of a signed-in operator is recorded under the request's id: this is what shows the
  // check above looks in the right place (an id the application never stored would find nothing, always).
  const denials = rows.filter((row) => row.type === 'AccessDenied').length;
  if ((res.body as { code?: string }).code === 'ROLE_NOT_ALLOWED' && denials !== 1)
    problems.push(`ROLE_NOT_ALLOWED recorded ${denials} AccessDenied under the request id, not 1`);
  if (route.method === 'post' && route.template === '/v1/balikan') {
    const sentAccessId = (req.body?.value as { accessId?: unknown } | undefined)?.accessId;
    if (isUuid(sentAccessId)) {
      const [{ n }] = await t.infra.dataSource.query(`SELECT count(*)::int AS n FROM balikan_index WHERE access_id = $1`, [sentAccessId]);
      if (n > 0) problems.push('a refused balikan left a row in the outbox index');
      const [{ m }] = await t.infra.dataSource.query(`SELECT count(*)::int AS m FROM balikan_outbox WHERE access_id = $1`, [sentAccessId]);
      if (m > 0) problems.push('a refused balikan left a row in the outbox');
    }
  }
  return problems;
}

/** Whose token a request carries, to name it (not show it) in a report. */
const tokenOwners = new Map<string, Role>();

function describeRequest(route: Route, req: FuzzRequest): string {
  const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}… (${s.length} chars)` : s);
  const named = (v: string) => [...tokenOwners].reduce((text, [token, role]) => text.replace(token, `<token of ${role}>`), v);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? clip(named(v)) : clip(v)]));
  return `${route.method.toUpperCase()} ${clip(req.path)}${req.query ? `?${clip(req.query)}` : ''} headers=${JSON.stringify(headers)} body=${req.body ? JSON.stringify(clip(req.body.text)) : '(none)'}`;
}

// ---------------------------------------------------------------------------------------------------

describe('Fuzzing every route of the OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApi;
  let floor: string;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await startApp();
    const admin = await t.login('admin', ADMIN_PASSWORD);
    tokens.set('DINKES_ADMIN', admin);
    const seededAuditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    // The last seeded Puskesmas: the other suites work at the first ones.
    const puskesmas = seededFacilities()
      .filter((f) => f.kind === 'PUSKESMAS')
      .at(-1)!.facilityId;
    for (const role of ['PUSKESMAS_OPERATOR', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'] as Role[]) {
      const userId = uniqueUserId(`fuzz-${role.toLowerCase().replace(/_/g, '-')}`);
      knownUserIds.add(userId);
      const facilityId = role === 'PUSKESMAS_OPERATOR' ? puskesmas : undefined;
      const by = role === 'PUSKESMAS_OPERATOR' ? admin : seededAuditor; // each party enrols its own
      const res = await t.http().post('/v1/operators').set('authorization', `Bearer ${by}`).send({ userId, password: 'fuzzing-password-1', role, facilityId });
      expect(res.status).toBe(201);
      tokens.set(role, await t.login(userId, 'fuzzing-password-1'));
    }
    for (const [role, token] of tokens) tokenOwners.set(token, role);
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApi;
    // Only events written from here on can belong to this suite's requests (the key keeps the check cheap).
    [{ floor }] = await t.infra.dataSource.query(`SELECT coalesce(max(global_position), 0)::text AS floor FROM es_events`);
  });
  afterAll(async () => {
    tokenOwners.clear();
    await t?.close();
  });

  function routes(): Route[] {
    return (
      Object.entries(doc.paths)
        .filter(([template]) => !template.startsWith('/docs'))
        .flatMap(([template, operations]) =>
          (Object.entries(operations) as [Method, Operation][]).map(([method, operation]) => ({
            method,
            template,
            operation,
            body: operation.requestBody?.content['application/json']?.schema,
          })),
        )
        // Signing out ends the suite's own tokens; sign-in.e2e.spec.ts covers it.
        .filter((route) => !(route.method === 'post' && route.template === '/v1/auth/logout'))
    );
  }

  /** The roles the guard lets through on this route (asked once, with well-formed ids), so most requests go further. */
  async function rolesLetThrough(route: Route): Promise<Role[]> {
    const path = route.template.replace(/\{[^}]+\}/g, () => randomUUID());
    const through: Role[] = [];
    for (const role of WHO) {
      const res = await t
        .http()
        [route.method](path)
        .set('authorization', `Bearer ${tokens.get(role)}`);
      if (res.status !== 401 && res.status !== 403) through.push(role);
    }
    return through;
  }

  it(
    'never answers 5xx nor shows internal detail to any request on any route, and a refused request writes nothing but its refusal',
    async () => {
      const all = routes();
      expect(all.length).toBeGreaterThanOrEqual(38);
      const failures: string[] = [];
      let sent = 0;
      const answers = new Map<string, Map<string, number>>(); // route → "status CODE" → count, for FUZZ_VERBOSE
      const started = Date.now();
      for (const route of all) {
        try {
          await fc.assert(
            fc.asyncProperty(requests(doc, route, tokens, await rolesLetThrough(route)), async (req) => {
              sent++;
              let call = t
                .http()
                [route.method](`${req.path}${req.query ? `?${req.query}` : ''}`)
                .set(req.headers)
                .timeout(15_000);
              if (req.body) call = call.send(req.body.text);
              const res = await call.catch((error: { response?: Response; message?: string }) => {
                if (error.response) return error.response;
                throw new Error(`no answer (${error.message}) to ${describeRequest(route, req)}`);
              });
              const seen = answers.get(`${route.method.toUpperCase()} ${route.template}`) ?? new Map<string, number>();
              const answer = `${res.status} ${(res.body as { code?: string })?.code ?? ''}`.trim();
              seen.set(answer, (seen.get(answer) ?? 0) + 1);
              answers.set(`${route.method.toUpperCase()} ${route.template}`, seen);
              const problems = problemsOf(route, req, res);
              if (res.status >= 400 && res.status < 500) problems.push(...(await writesOfRefusal(t, floor, route, req, res)));
              if (problems.length) throw new Error(`${problems.join('; ')}\n  request: ${describeRequest(route, req)}`);
            }),
            { numRuns: RUNS, seed: SEED, includeErrorInReport: true },
          );
        } catch (error) {
          failures.push(`${route.method.toUpperCase()} ${route.template}: ${(error as Error).message.slice(0, 3_000)}`);
        }
      }
      if (process.env.FUZZ_VERBOSE) {
        for (const [route, seen] of answers)
          process.stdout.write(
            `${route}: ${[...seen]
              .sort((a, b) => b[1] - a[1])
              .map(([a, n]) => `${a} ×${n}`)
              .join(', ')}\n`,
          );
      }
      process.stdout.write(`fuzz: ${sent} requests to ${all.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s (FUZZ_RUNS=${RUNS})\n`);
      expect(failures).toEqual([]);
    },
    Math.max(120_000, RUNS * 40 * 150),
  );
});
