import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { documentComponents } from '../infrastructure/http/answer-schema';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { AppModule } from './app.module';
import type { GatewayInfrastructure } from './open-infrastructure';
import { ErrorFilter } from '../infrastructure/http/error.filter';
import { REFUSAL_LISTENER } from '../infrastructure/refusal';
import { refuseControlCharacters, validationPipe } from '../infrastructure/http/validation';
import { BODY_LIMIT, acceptJsonBodies, setAsideUnreadBody } from '../infrastructure/http/json-body';
import { errorSchema } from '../infrastructure/http/refusals';
import { RouteTable, applicationTemplate, routeName } from '../infrastructure/http/route-table';
import { NetworkCheck } from '../modules/access/network/network-check';
import { PinoNestLogger } from '../infrastructure/logging/logger';
import { RequestLog, requestId } from '../infrastructure/logging/request-logging';
import { Metrics } from '../infrastructure/metrics/metrics';
import { isConsolePath, serveConsole } from './console-files';

type FrameworkError = (error: Error, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Builds the Nest HTTP application (Fastify) on opened infrastructure, initialised and ready to serve;
 * shared by main.ts and the e2e tests. Every route goes through the same hooks, in this order:
 * security headers, the closed-network check (before the body is read), the body (JSON only), the
 * control-character refusal, then the guard and the validation pipe; every answer is counted and logged
 * once sent.
 */
export async function createHttpApp(infra: GatewayInfrastructure, logger: Logger): Promise<NestFastifyApplication> {
  const tls = infra.config.tls;
  // A request the router cannot even decode never reaches a hook: answered below, once the hooks exist.
  let frameworkError: FrameworkError = (_error, _request, reply) => void reply.code(400).send(BAD_REQUEST);
  const adapter = new FastifyAdapter({
    // HTTPS only on this port when a certificate is configured: passwords, tokens and the nine fields never cross a network in clear.
    ...(tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}),
    // The same list as Express's "trust proxy" took (proxy-addr): X-Forwarded-For is believed only from these.
    trustProxy: infra.config.trustProxy,
    bodyLimit: BODY_LIMIT,
    genReqId: requestId,
    requestIdHeader: false,
    // Routed as before (Express): case-insensitive, a trailing slash ignored, parameters of any length (a
    // malformed id is the route's own 400 ID_MALFORMED, not the router's 414).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16_384 },
    // Node's defaults, which the server had before: Fastify's own would keep idle connections 72 s and never time a request out.
    keepAliveTimeout: 5_000,
    requestTimeout: 300_000,
    // While closing, requests in flight are answered as usual, never with a body not of our shape.
    return503OnClosing: false,
    // No Nest middleware: every step is a Fastify hook.
    skipMiddie: true,
    frameworkErrors: (error: Error, request: unknown, reply: unknown) => frameworkError(error, request as FastifyRequest, reply as FastifyReply),
    clientErrorHandler: answerUnparsableRequest,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(infra, logger), adapter, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    // A module that refuses a setting (BALIKAN_KEY, BALIKAN_URL) throws to the caller, which names it in one
    // line; Nest's default would log the bare message and exit the process itself.
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes = new RouteTable(fastify); // before any route is registered
  tables.set(app, routes);
  acceptJsonBodies(fastify);
  // swagger-ui's page and script are text: with their charset, as Express named it.
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs') && !route.url.includes('*')) route.onSend = [route.onSend ?? [], withUtf8Charset].flat();
  });

  // Security headers on every answer (helmet's defaults: no sniffing, no framing, HSTS, a strict CSP). The
  // API explorer under /docs runs swagger-ui's inline scripts, so only there the CSP is left out. The
  // console's own policy is stricter still (its scripts and styles are files of its own origin, no frames,
  // no plugins, calls to this origin only); requests are upgraded to HTTPS only where this port speaks it.
  const strict = helmet();
  const docs = helmet({ contentSecurityPolicy: false });
  const consolePages = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
  });
  const securityHeaders = (request: FastifyRequest, reply: FastifyReply, path: string) =>
    (path.startsWith('/docs') ? docs : isConsolePath(path) ? consolePages : strict)(request.raw, reply.raw, noop);
  // Every answer counted by its route template (never the path), refusals of the network check included,
  // and logged once sent.
  const metrics = app.get(Metrics);
  const requests = new RequestLog(logger);
  const answered = (request: FastifyRequest, reply: FastifyReply, template: string | undefined) => {
    // Counting must never take the service down: this runs after the answer, outside its error handling.
    try {
      metrics.httpRequest(request.method, template ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    } catch {
      // a label prom-client refuses: the answer stands, uncounted
    }
    requests.answered(request, reply);
  };
  const network = app.get(NetworkCheck);

  fastify.addHook('onRequest', (request, reply, done) => {
    const path = pathOf(request.url);
    securityHeaders(request, reply, path);
    requests.watch(request, reply);
    // The closed network first, before the body is even read, on every path but /health (docs included).
    if (!network.allows(request.ip, path)) return network.refuse(request.ip, routeName(request.method, applicationTemplate(request.routeOptions.url)), reply);
    setAsideUnreadBody(request);
    done();
  });
  fastify.addHook('preValidation', refuseControlCharacters);
  fastify.addHook('onResponse', (request, reply, done) => {
    answered(request, reply, applicationTemplate(request.routeOptions.url));
    done();
  });
  // A path the router cannot decode ("/v1/agreements/%E0%A4%A") skips every hook: the same steps here. As
  // before, it is the 400 of the route its path fits (Express decoded parameters once a route matched), or
  // a 404 when none does.
  frameworkError = (_error, request, reply) => {
    const path = pathOf(request.url);
    const template = routes.templateFor(request.method, path);
    securityHeaders(request, reply, path);
    requests.watch(request, reply);
    reply.raw.once('finish', () => answered(request, reply, template));
    if (!network.allows(request.ip, path)) return network.refuse(request.ip, routeName(request.method, template), reply);
    void reply.code(template ? 400 : 404).send(template ? BAD_REQUEST : ROUTE_NOT_FOUND);
  };
  app.useGlobalFilters(new ErrorFilter(logger, app.get(REFUSAL_LISTENER)));
  app.useGlobalPipes(validationPipe);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('NIK access gateway — Dinas Kesehatan Kabupaten Karanganyar')
      .setDescription(
        'Access to population data by NIK and KTP-el under the 2022 Disdukcapil–Dinkes agreement. ' +
          'Errors are {statusCode, code, message}; `code` is stable.',
      )
      .setVersion('1')
      // 3.1: schemas are JSON Schema, so an answer's "or null" is written as TypeBox and ajv write it (answer-schema.ts).
      .setOpenAPIVersion('3.1.0')
      .addBearerAuth()
      .build(),
  );
  documentComponents(document);
  documentErrors(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await serveConsole(app, fastify);
  await app.init();
  await fastify.ready();
  return app;
}

const tables = new WeakMap<object, RouteTable>();

/** Every route the application serves, as "GET /v1/agreements" (HEAD twins of GET routes left out). */
export function servedRoutes(app: NestFastifyApplication): string[] {
  return tables.get(app)?.list() ?? [];
}

const noop = () => {};

const withUtf8Charset = (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && /^(text\/html|application\/javascript)$/.test(type)) void reply.header('content-type', `${type}; charset=utf-8`);
  done(null, payload);
};
const BAD_REQUEST = { statusCode: 400, code: 'BAD_REQUEST', message: 'The request is not valid.' };
const ROUTE_NOT_FOUND = { statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'There is nothing here.' };

/**
 * A request Node's HTTP parser refuses (headers over 16 kB, a malformed request line, a request that took
 * too long) is answered as Node answers it by itself, and so as before: a status line and no body, there is
 * no request to shape an answer for. Fastify's own answer would be a JSON body not of our shape.
 */
function answerUnparsableRequest(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable && socket.bytesWritten === 0) {
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
          ? '413 Payload Too Large'
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(error);
}

/** The path of a request target, without its query ("/v1/agreements?x" -> "/v1/agreements"). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Every operation answers errors in one shape, the Error schema; each error response narrows `code` to an
 * enum of exactly the codes that route answers with that status: the route's own (its @Refusals) and
 * the codes every route shares, merged here by status (the 401s and the guard's 403s only where one
 * must be signed in, ID_MALFORMED only where the path has an id). test/support/openapi-harness.ts holds
 * this document to the code.
 */
export function documentErrors(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.Error = {
    type: 'object',
    required: ['statusCode', 'code', 'message'],
    properties: {
      statusCode: { type: 'integer', example: 400 },
      code: { type: 'string', description: 'Stable, SCREAMING_SNAKE_CASE', example: 'VALIDATION_FAILED' },
      message: { type: 'string', description: 'For people; never carries request values' },
      accessId: { type: 'string', format: 'uuid', description: 'The access this refusal was recorded under (a lookup or card read that reached the registry)' },
      registryReason: { type: 'string', description: "REGISTRY_REFUSED only: the registry's own reason text (digits masked as #, at most 120 characters)" },
    },
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    if (path === '/health') continue; // outside the network check and the guard
    const hasId = path.includes('{');
    for (const [method, operation] of Object.entries(operations) as [string, OperationObject][]) {
      if (!operation?.responses) continue;
      const signedIn = (operation.security?.length ?? 0) > 0;
      const common: Record<string, string[]> = {
        // BAD_REQUEST: a path the router cannot decode, a body shorter than its length or not inflatable.
        '400': ['BAD_REQUEST', 'MALFORMED_JSON', 'VALIDATION_FAILED', 'FIELD_NOT_ALLOWED', 'CONTROL_CHARACTER', ...(hasId ? ['ID_MALFORMED'] : [])],
        ...(signedIn ? { '401': ['UNAUTHENTICATED', 'TOKEN_INVALID_OR_EXPIRED'] } : {}),
        '403': ['NETWORK_NOT_ALLOWED', ...(signedIn ? ['ROLE_NOT_ALLOWED', 'OPERATOR_SUSPENDED', 'OPERATOR_REVOKED', 'PASSWORD_CHANGE_REQUIRED'] : [])],
        // A command that lost a race to another writer of the same stream.
        ...(method === 'get' ? {} : { '409': ['CONCURRENT_CHANGE'] }),
        '413': ['PAYLOAD_TOO_LARGE'],
        '415': ['UNSUPPORTED_MEDIA_TYPE'],
        // A command whose append the store did not confirm in time (it may be recorded): not on reads.
        '503': ['EVENT_STORE_UNAVAILABLE', ...(method === 'get' ? [] : ['EVENT_STORE_OUTCOME_UNKNOWN'])],
      };
      for (const [status, codes] of Object.entries(common)) {
        const existing = operation.responses[status] as ResponseObject | undefined;
        const own = ownCodes(existing);
        const listed = [...own, ...codes.filter((code) => !own.includes(code))];
        operation.responses[status] = {
          ...existing,
          description: existing?.description ? `${existing.description}; ${codes.join(', ')}` : codes.join(', '),
          content: { 'application/json': { schema: errorSchema(listed) } },
        };
      }
    }
  }
}

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponseObject = Extract<OperationObject['responses'][string], { description: string }>;

/** The codes a route's @Refusals listed for one status (none when it listed none). */
function ownCodes(response: ResponseObject | undefined): string[] {
  const schema = response?.content?.['application/json']?.schema as { allOf?: { properties?: { code?: { enum?: string[] } } }[] } | undefined;
  return schema?.allOf?.[1]?.properties?.code?.enum ?? [];
}
