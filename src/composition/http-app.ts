import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import helmet from 'helmet';
import { readFileSync } from 'node:fs';
import { AppModule } from './app.module';
import type { GatewayInfrastructure } from './open-infrastructure';
import type { NextFunction, Request, Response } from 'express';
import { ErrorFilter } from '../infrastructure/http/error.filter';
import { REFUSAL_LISTENER } from '../infrastructure/refusal';
import { refuseControlCharacters, validationPipe } from '../infrastructure/http/validation';
import { NetworkMiddleware } from '../modules/access/network/network.middleware';
import { PinoNestLogger } from '../infrastructure/logging/logger';
import { requestLogging } from '../infrastructure/logging/request-logging';
import { Metrics } from '../infrastructure/metrics/metrics';

/** Builds the Nest HTTP application on opened infrastructure; shared by main.ts and the e2e tests. */
export async function createHttpApp(infra: GatewayInfrastructure, logger: Logger): Promise<NestExpressApplication> {
  const tls = infra.config.tls;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(infra, logger), {
    // HTTPS only on this port when a certificate is configured: passwords, tokens and the nine fields never cross a network in clear.
    ...(tls ? { httpsOptions: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}),
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    // A module that refuses a setting (BALIKAN_KEY, BALIKAN_URL) throws to the caller, which names it in one
    // line; Nest's default would log the bare message and exit the process itself.
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // Security headers on every answer (helmet's defaults: no sniffing, no framing, HSTS, a strict CSP). The
  // API explorer under /docs runs swagger-ui's inline scripts, so only there the CSP is left out.
  const strict = helmet();
  const docs = helmet({ contentSecurityPolicy: false });
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/docs') ? docs : strict)(req, res, next));
  app.set('trust proxy', infra.config.trustProxy);
  // Every answer counted by its route template (never the path), refusals of the network check included.
  app.use(app.get(Metrics).httpMiddleware(app.getHttpAdapter().getInstance()));
  app.use(requestLogging(logger));
  // The closed network first, before the body is even read, on every path but /health (docs included).
  const network = app.get(NetworkMiddleware);
  network.routesOf(app.getHttpAdapter().getInstance());
  app.use((req: Request, res: Response, next: NextFunction) => void network.use(req, res, next));
  app.useBodyParser('json', { limit: '16kb' });
  app.use(refuseControlCharacters);
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
      .addBearerAuth()
      .build(),
  );
  documentErrors(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** Every operation answers errors in one shape; the common codes are listed once per status. */
function documentErrors(document: ReturnType<typeof SwaggerModule.createDocument>): void {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.Error = {
    type: 'object',
    required: ['statusCode', 'code', 'message'],
    properties: {
      statusCode: { type: 'integer', example: 400 },
      code: { type: 'string', description: 'Stable, SCREAMING_SNAKE_CASE', example: 'VALIDATION_FAILED' },
      message: { type: 'string', description: 'For people; never carries request values' },
    },
  };
  const common: Record<string, string> = {
    '400': 'MALFORMED_JSON, VALIDATION_FAILED, FIELD_NOT_ALLOWED, ID_MALFORMED',
    '401': 'UNAUTHENTICATED, TOKEN_INVALID_OR_EXPIRED',
    '403': 'NETWORK_NOT_ALLOWED, ROLE_NOT_ALLOWED, OPERATOR_SUSPENDED, OPERATOR_REVOKED',
    '413': 'PAYLOAD_TOO_LARGE',
    '503': 'EVENT_STORE_UNAVAILABLE',
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    if (path === '/health') continue; // outside the network check and the guard
    for (const operation of Object.values(operations) as { security?: unknown[]; responses?: Record<string, { description: string; content?: unknown }> }[]) {
      if (!operation?.responses) continue;
      const signedIn = (operation.security?.length ?? 0) > 0;
      for (const [status, codes] of Object.entries(common)) {
        if (!signedIn && status === '401') continue;
        const existing = operation.responses[status];
        const listed = !signedIn && status === '403' ? 'NETWORK_NOT_ALLOWED' : codes;
        operation.responses[status] = {
          description: existing ? `${existing.description}; ${listed}` : listed,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
      }
    }
  }
}
