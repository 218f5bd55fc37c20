import { readFileSync } from 'node:fs';
import { schemaOf, SCHEMA_FILE } from '../../scripts/console-api';
import { startApp, type TestApp } from '../support/app';

/**
 * The console's calls are typed from the gateway's OpenAPI document (console/src/api/schema.d.ts). A route
 * changed on the gateway must change that file too, so the console's type-check (npm run lint) breaks
 * before a browser does: this fails when the committed file is not what the current document generates.
 */
describe("The console's typed contract", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  it('is exactly what the gateway’s current OpenAPI document generates (run npm run console:api after changing a route)', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body as object;
    const generated = schemaOf(document);
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (generated !== committed) {
      const [a, b] = [committed.split('\n'), generated.split('\n')];
      const line = a.findIndex((text, i) => text !== b[i]);
      throw new Error(
        `console/src/api/schema.d.ts is out of date (first difference at line ${line + 1}: ${JSON.stringify(a[line])} vs ${JSON.stringify(b[line])}); run npm run build:tools && npm run console:api`,
      );
    }
    expect(generated).toBe(committed);
  });
});
