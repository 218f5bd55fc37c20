import { checkAnswers, type RecordedAnswer } from '../support/openapi-harness';

/** A small document in the gateway's shape: an Error schema, a route with its codes, a PDF, a nullable field. */
const document = {
  openapi: '3.0.0',
  paths: {
    '/v1/balikan/{id}': {
      get: {
        responses: {
          '200': {
            description: '',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['balikanId', 'submittedAt'],
                  properties: {
                    balikanId: { type: 'string', format: 'uuid' },
                    submittedAt: { type: 'string', format: 'date-time' },
                    note: { type: 'string', nullable: true },
                  },
                },
              },
            },
          },
          '404': {
            description: 'BALIKAN_NOT_FOUND',
            content: {
              'application/json': {
                schema: {
                  allOf: [{ $ref: '#/components/schemas/Error' }, { type: 'object', properties: { code: { type: 'string', enum: ['BALIKAN_NOT_FOUND'] } } }],
                },
              },
            },
          },
        },
      },
    },
    '/v1/balikan/summary': { get: { responses: { '200': { description: 'no schema yet' } } } },
    '/v1/reports/{id}/pdf': {
      get: { responses: { '200': { description: '', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } } } },
    },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        required: ['statusCode', 'code', 'message'],
        properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const ID = '0b9a5f3e-2c1d-4e8f-9a7b-6c5d4e3f2a1b';
const json = (method: string, path: string, status: number, body: unknown): RecordedAnswer => ({
  method,
  path,
  status,
  contentType: 'application/json; charset=utf-8',
  body,
  hasBody: true,
});
const check = (...answers: RecordedAnswer[]) => checkAnswers(document, answers, { require2xxSchemas: false });

describe('The OpenAPI harness holds every answer of the e2e suites to the document', () => {
  it('accepts answers the document describes: a body of the schema (null where nullable), a documented code, a documented PDF', () => {
    const result = check(
      json('GET', `/v1/balikan/${ID}`, 200, { balikanId: ID, submittedAt: '2026-01-02T03:04:05.000Z', note: null }),
      json('GET', `/v1/balikan/${ID}?x=1`, 404, { statusCode: 404, code: 'BALIKAN_NOT_FOUND', message: 'No balikan.' }),
      { method: 'GET', path: `/v1/reports/${ID}/pdf`, status: 200, contentType: 'application/pdf', hasBody: true },
    );
    expect(result).toEqual({ checked: 3, skipped: 0, violations: [] });
  });

  it('flags an error code the route does not document for that status, naming route, status and code', () => {
    const { violations } = check(json('GET', `/v1/balikan/${ID}`, 404, { statusCode: 404, code: 'ACCESS_NOT_FOUND', message: 'No access.' }));
    expect(violations).toEqual([expect.stringMatching(/^GET \/v1\/balikan\/\{id\} 404: code ACCESS_NOT_FOUND is not documented .*BALIKAN_NOT_FOUND/)]);
  });

  it('flags a body missing a required field, with ajv saying which', () => {
    const { violations } = check(json('GET', `/v1/balikan/${ID}`, 200, { balikanId: ID }));
    expect(violations).toEqual([expect.stringMatching(/^GET \/v1\/balikan\/\{id\} 200: .*must have required property 'submittedAt'/)]);
  });

  it('flags a field of the wrong type or format', () => {
    const wrongType = check(json('GET', `/v1/balikan/${ID}`, 404, { statusCode: '404', code: 'BALIKAN_NOT_FOUND', message: 'No balikan.' }));
    expect(wrongType.violations).toEqual([expect.stringMatching(/404: .*body\/statusCode must be integer/)]);
    const wrongFormat = check(json('GET', `/v1/balikan/${ID}`, 200, { balikanId: 'not-a-uuid', submittedAt: '2026-01-02T03:04:05.000Z' }));
    expect(wrongFormat.violations).toEqual([expect.stringMatching(/body\/balikanId must match format "uuid"/)]);
  });

  it('flags a status the route does not document', () => {
    const { violations } = check(json('GET', `/v1/balikan/${ID}`, 409, { statusCode: 409, code: 'CONFLICT', message: 'x' }));
    expect(violations).toEqual([expect.stringMatching(/^GET \/v1\/balikan\/\{id\} answered 409, a status it does not document/)]);
  });

  it('flags a content type the status does not document', () => {
    const csv = { method: 'GET', path: `/v1/reports/${ID}/pdf`, status: 200, contentType: 'text/csv', hasBody: true };
    expect(check(csv).violations).toEqual([expect.stringMatching(/^GET \/v1\/reports\/\{id\}\/pdf 200: content type text\/csv is not documented/)]);
  });

  it('matches the most literal template, and checks a 2xx without a documented schema for its status only until every 2xx has one', () => {
    const summary = json('GET', '/v1/balikan/summary', 200, { anything: true });
    expect(check(summary)).toEqual({ checked: 1, skipped: 0, violations: [] });
    expect(checkAnswers(document, [summary], { require2xxSchemas: true }).violations).toEqual([
      expect.stringMatching(/^GET \/v1\/balikan\/summary 200: .*documents no content/),
    ]);
  });

  it('skips, but counts, answers outside the API: a path no operation matches, a method the path does not have, HEAD, the HTTP parser’s own', () => {
    const result = check(
      { method: 'GET', path: `/v1/balikan/${ID}`, status: 431, hasBody: false },
      { method: 'GET', path: '/console/index.html', status: 200, contentType: 'text/html', hasBody: true },
      json('GET', '/v1/no-such-thing', 404, { statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'There is nothing here.' }),
      json('DELETE', `/v1/balikan/${ID}`, 404, { statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'There is nothing here.' }),
      { method: 'HEAD', path: `/v1/balikan/${ID}`, status: 200, hasBody: false },
    );
    expect(result).toEqual({ checked: 0, skipped: 5, violations: [] });
  });
});
