import { GRANTED_FIELDS } from '../../src/modules/access/agreements/agreement.events';
import { PERSON_KEY } from '../../src/modules/access/agreements/granted-fields';
import { startApp, type TestApp } from '../support/app';
import { answerAjv, answerErrors, documentedAnswer, type OpenApiDocument } from '../support/documented-answer';

/**
 * The contract outside clients code against (/docs-json): each route's success answer has a schema, and the
 * nine fields of Pasal 3(1)(a) have one vocabulary, the agreement's words mapped to the answer's keys in
 * PERSON_KEY alone.
 */

type Responses = Record<string, { content?: Record<string, { schema?: object }> }>;

describe('The OpenAPI document describes every answer', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  const operations: { route: string; responses: Responses }[] = [];

  beforeAll(async () => {
    t = await startApp();
    document = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods))
        operations.push({ route: `${method.toUpperCase()} ${path}`, responses: (operation.responses ?? {}) as Responses });
    }
  });
  afterAll(() => t?.close());

  it('is OpenAPI 3.1, whose schemas are JSON Schema (null is a type, as the answer schemas write it)', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(JSON.stringify(document)).not.toContain('"nullable"');
  });

  it('gives each success answer a schema for every content type it comes in, or says it has no body (204)', () => {
    const undescribed = operations
      .filter(({ responses }) =>
        Object.entries(responses).some(
          ([status, answer]) => /^2/.test(status) && status !== '204' && !Object.values(answer.content ?? {}).some((c) => c.schema),
        ),
      )
      .map(({ route }) => route);
    const missing = operations.filter(({ responses }) => !Object.keys(responses).some((s) => /^2/.test(s))).map(({ route }) => route);
    expect([...undescribed, ...missing].sort()).toEqual([]);
  });

  it('has success schemas ajv compiles, every $ref naming a schema of the document', () => {
    const ajv = answerAjv();
    for (const { route, responses } of operations) {
      for (const [status, answer] of Object.entries(responses)) {
        const schema = answer.content?.['application/json']?.schema;
        if (!/^2/.test(status) || !schema) continue;
        try {
          ajv.compile({ ...schema, components: document.components });
        } catch (error) {
          throw new Error(`${route} ${status}: ${(error as Error).message}`, { cause: error });
        }
      }
    }
  });

  it("names the nine fields of Pasal 3(1)(a) in one Person schema: exactly PERSON_KEY's keys, each carrying its agreement word", () => {
    const person = document.components.schemas.Person as {
      properties: Record<string, { 'x-agreement-field': string; description: string }>;
      required?: string[];
    };
    expect(Object.keys(person.properties).sort()).toEqual(Object.values(PERSON_KEY).sort());
    for (const field of GRANTED_FIELDS) {
      expect(person.properties[PERSON_KEY[field]]!['x-agreement-field']).toBe(field);
      expect(person.properties[PERSON_KEY[field]]!.description).toContain('Pasal 3(1)(a)');
    }
    // Each absent when the agreement in force does not grant it.
    expect(person.required ?? []).toEqual([]);
  });

  it("gives a lookup's and a card read's person as that Person schema, or null", () => {
    for (const path of ['/v1/access/nik-lookups', '/v1/access/card-reads']) {
      const schema = document.paths[path]!.post!.responses!['200']!.content!['application/json']!.schema as { properties: { person: unknown } };
      expect(schema.properties.person).toEqual({ anyOf: [{ $ref: '#/components/schemas/Person' }, { type: 'null' }] });
    }
  });

  it("lists an agreement's grantedFields as the agreement's words, the values of Pasal 3(1)(a)", () => {
    const agreement = document.components.schemas.Agreement as { properties: { grantedFields: { items: { enum: string[] } } } };
    expect(agreement.properties.grantedFields.items.enum).toEqual([...GRANTED_FIELDS]);
  });

  it('accepts a person with any part of the nine fields, and refuses a key outside them', () => {
    const validate = documentedAnswer(document, 'POST', '/v1/access/nik-lookups', 200);
    const answer = (person: unknown) => ({ accessId: '6f1c0c3e-8a53-4a55-9d6e-0d6f2f0a1b2c', outcome: 'FOUND', person, verificationToken: 'x'.repeat(43) });
    expect(answerErrors(validate, answer({ nik: '0013095512900002', fullName: 'CONTOH' }))).toEqual([]);
    expect(answerErrors(validate, answer(null))).toEqual([]);
    expect(answerErrors(validate, answer({ nik: '0013095512900002', bloodType: 'O' }))).not.toEqual([]);
  });
});
