import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import pino from 'pino';
import request from 'supertest';
import { openInfrastructure, type GatewayInfrastructure } from '../../src/composition/open-infrastructure';
import { loadConfig } from '../../src/infrastructure/config/config';
import { createHttpApp } from '../../src/composition/http-app';
import { sharedDatabaseSettings } from '../support/app';

/** What an operator and a Puskesmas app developer rely on before any feature exists. */
describe('The gateway as an operator first meets it', () => {
  let infra: GatewayInfrastructure;
  let app: INestApplication;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    infra = await openInfrastructure(
      loadConfig({
        ...sharedDatabaseSettings(),
        RUN_PROJECTIONS: 'false',
      }),
    );
    app = await createHttpApp(infra, logger);
  });
  afterAll(async () => {
    await app?.close();
    await infra?.close();
  });

  it('answers GET /health with the event store and the database up, without authentication', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up' }, database: { status: 'up' } } });
  });

  it('serves the OpenAPI document at /docs-json and the explorer at /docs', async () => {
    const json = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toContain('/health');
    await request(app.getHttpServer()).get('/docs').expect(200).expect('content-type', /html/);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND, without echoing the path', async () => {
    const res = await request(app.getHttpServer()).get('/v1/people/3313011209900001').expect(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('3313011209900001');
  });

  it('answers a malformed JSON body with 400 MALFORMED_JSON, without echoing the body', async () => {
    const res = await request(app.getHttpServer()).post('/health').set('content-type', 'application/json').send('{"nik": 3313011209900001,').expect(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect(JSON.stringify(res.body)).not.toContain('3313011209900001');
  });

  it('refuses a body over 16 kB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(app.getHttpServer())
      .post('/health')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ filler: 'x'.repeat(20_000) }))
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body nested deeper than any request with 400, not a failure of the service', async () => {
    // 7,000 arrays or 2,500 objects deep still fit in 16 kB; validating them used to overflow the stack (a 500).
    for (const [open, close, depth] of [
      ['[', ']', 7_000],
      ['{"a":', '}', 2_500],
    ] as const) {
      const res = await request(app.getHttpServer())
        .post('/v1/auth/login')
        .set('content-type', 'application/json')
        .send(`{"userId":${open.repeat(depth)}"3313011209900001"${close.repeat(depth)},"password":"x"}`)
        .expect(400);
      expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'The body is nested too deeply.' });
    }
  });

  it('logs method, path and status of each request, but never its body, query string, headers or a NIK in the path', async () => {
    logLines.length = 0;
    await request(app.getHttpServer())
      .post('/v1/x/3313-0112-9000-0001?nik=3313011209900002')
      .set('authorization', 'Bearer secret-token-value')
      .set('content-type', 'application/json')
      .send({ nik: '3313011209900003', fullName: 'SITI AMINAH' });
    await request(app.getHttpServer()).get('/v1/x/3313%2D0112%2D9000%2D0004');
    await request(app.getHttpServer()).get('/v1/x/3313/0112/9000/0005');
    const log = logLines.join('');
    expect(log).toMatch(/"method":"POST"/);
    expect(log).toMatch(/"statusCode":404/);
    for (const secret of ['3313-0112-9000-0001', '3313011209900002', '3313011209900003', 'SITI AMINAH', 'secret-token-value', '%2D0112', '0112/9000/0005']) {
      expect(log).not.toContain(secret);
    }
  });
});
