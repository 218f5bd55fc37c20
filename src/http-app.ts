import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import type { Infrastructure } from './infrastructure/bootstrap';
import type { NextFunction, Request, Response } from 'express';
import { ErrorFilter } from './infrastructure/http/error.filter';
import { validationPipe } from './infrastructure/http/validation';
import { NetworkMiddleware } from './infrastructure/security/network.middleware';
import { PinoNestLogger, safePath } from './infrastructure/logging/logger';

/** Builds the Nest HTTP application on opened infrastructure; shared by main.ts and the e2e tests. */
export async function createHttpApp(infra: Infrastructure, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(infra, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '16kb' });
  app.disable('x-powered-by');
  app.set('trust proxy', infra.config.trustProxy);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(given) ? given : randomUUID();
      },
      // Method, path (query dropped, long digit runs masked), status and time: never headers or bodies.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: safePath(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customSuccessMessage: (req, res) => `${req.method} ${safePath(req.url)} ${res.statusCode}`,
      customErrorMessage: (req, res) => `${req.method} ${safePath(req.url)} ${res.statusCode}`,
    }),
  );
  // The closed network first, on every path but /health (the API documentation included).
  const network = app.get(NetworkMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => void network.use(req, res, next));
  app.useGlobalFilters(new ErrorFilter(logger));
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
