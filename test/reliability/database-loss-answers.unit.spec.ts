import type { ArgumentsHost } from '@nestjs/common';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { ErrorFilter } from '../../src/infrastructure/http/error.filter';

/** What a client is answered when the database goes away under a request (the filter alone, no server). */
async function answerTo(error: unknown): Promise<{ status: number; body: { statusCode: number; code: string; message: string } }> {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    sent: false,
    header: () => reply,
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const request = { method: 'POST', routeOptions: { url: '/v1/operators' }, id: 'r-1' };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
  await new ErrorFilter(pino({ level: 'silent' })).catch(error, host);
  return { status: sent.status!, body: sent.body as { statusCode: number; code: string; message: string } };
}

describe('A request that loses the database on its way', () => {
  it.each([
    [
      'PostgreSQL shutting down (SQLSTATE 57P01), through TypeORM',
      new QueryFailedError('INSERT …', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    ],
    ['the connection cut under a query', new Error('Connection terminated unexpectedly')],
    ['a client the pool closed when its connection died', new Error('Client was closed and is not queryable')],
    ['the server refusing connections while it restarts', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
  ])('is answered 503 EVENT_STORE_UNAVAILABLE, a retry later, when it is %s', async (_, error) => {
    const { status, body } = await answerTo(error);
    expect(status).toBe(503);
    expect(body).toEqual({ statusCode: 503, code: 'EVENT_STORE_UNAVAILABLE', message: 'The database is unavailable; retry later.' });
  });

  it('is still a 500 when the query itself is wrong: a bug of ours, not an outage', async () => {
    const { status, body } = await answerTo(new QueryFailedError('SELECT …', [], Object.assign(new Error('column "x" does not exist'), { code: '42703' })));
    expect(status).toBe(500);
    expect(body.code).toBe('INTERNAL_ERROR');
  });
});
