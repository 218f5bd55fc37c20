import { randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import pino from 'pino';
import request from 'supertest';
import { openInfrastructure, type GatewayInfrastructure } from '../../src/composition/open-infrastructure';
import { loadConfig } from '../../src/infrastructure/config/config';
import { createHttpApp } from '../../src/composition/http-app';
import { sharedDatabaseSettings } from '../support/app';
import { until } from '../support/until';

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

  describe('reads a body as it always has', () => {
    const login = (contentType: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      request(app.getHttpServer())
        .post('/v1/auth/login')
        .set('content-type', contentType)
        .set(headers)
        .serialize((bytes) => bytes) // as given: superagent would write a Buffer out as JSON
        .send(body);
    const withAnExtraField = JSON.stringify({ userId: 'nobody', password: 'not-the-password-1', extra: 1 });

    it('only when it is JSON: a body of another content type is not read, and validation names what is missing', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json', 'garbage', ';']) {
        const res = await login(contentType, withAnExtraField);
        expect({ contentType, status: res.status, code: res.body.code }).toEqual({ contentType, status: 400, code: 'VALIDATION_FAILED' });
      }
      // Read as JSON whatever the case or the parameters: the extra field is seen.
      for (const contentType of ['APPLICATION/JSON', 'application/json; charset=UTF-8', 'application/json; charset']) {
        expect((await login(contentType, withAnExtraField)).body.code).toBe('FIELD_NOT_ALLOWED');
      }
    });

    it('an empty JSON body is an empty object, and a bare JSON value is 400 MALFORMED_JSON', async () => {
      expect((await login('application/json', '')).body.code).toBe('VALIDATION_FAILED');
      for (const body of ['"admin"', '42', 'null', '   ']) {
        expect((await login('application/json', body)).body).toEqual({ statusCode: 400, code: 'MALFORMED_JSON', message: 'The body is not valid JSON.' });
      }
    });

    it('refuses a charset or a content encoding it cannot read with 415, inflates gzip, and counts the 16 kB once inflated', async () => {
      expect((await login('application/json; charset=iso-8859-1', withAnExtraField)).body).toEqual({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send JSON.',
      });
      expect((await login('application/json', withAnExtraField, { 'content-encoding': 'x-zip' })).status).toBe(415);
      expect((await login('application/json', gzipSync(withAnExtraField), { 'content-encoding': 'gzip' })).body.code).toBe('FIELD_NOT_ALLOWED');
      const inflatesPastTheLimit = gzipSync(JSON.stringify({ userId: ' '.repeat(40_000) }));
      expect(inflatesPastTheLimit.length).toBeLessThan(16_384);
      const res = await login('application/json', inflatesPastTheLimit, { 'content-encoding': 'gzip' });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });
  });

  it('answers a path it cannot decode with the 400 of the route it fits, or 404 when it fits none, security headers included', async () => {
    const fits = await request(app.getHttpServer()).get('/v1/agreements/%E0%A4%A').expect(400);
    expect(fits.body).toEqual({ statusCode: 400, code: 'BAD_REQUEST', message: 'The request is not valid.' });
    expect(fits.headers['x-content-type-options']).toBe('nosniff');
    const none = await request(app.getHttpServer()).get('/v1/nothing/%E0%A4%A').expect(404);
    expect(none.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers a request whose headers exceed 16 kB as Node itself does: 431 and no body (there is no request to shape an answer for)', async () => {
    const server = app.getHttpServer();
    if (!server.listening) await app.listen(0, '127.0.0.1');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += String(chunk)));
      socket.on('close', () => resolve(text));
      socket.on('error', () => {}); // the server may close while the rest of the headers is on its way: 'close' follows
    });
    socket.write(`GET /health HTTP/1.1\r\nHost: gateway\r\nX-Filler: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(await answer).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  });

  it('logs a request the client gave up on at warn, without a status it never sent', async () => {
    logLines.length = 0;
    const server = app.getHttpServer();
    if (!server.listening) await app.listen(0, '127.0.0.1');
    const { port } = server.address() as AddressInfo;
    const id = randomUUID();
    // Headers and part of the promised body, then the client goes away.
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.on('error', () => {}); // the server may reset the connection it was abandoned on
    socket.end(
      `POST /v1/auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Request-Id: ${id}\r\n\r\n{"userId":`,
    );
    const line = await until(() => logLines.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.req?.id === id), {
      what: 'the log line of the abandoned request',
    });
    expect(line).toMatchObject({ level: 40, req: { method: 'POST', path: '/v1/auth/login' }, res: { statusCode: null } });
  });
});
