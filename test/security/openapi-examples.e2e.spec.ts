import { checkNik } from '../../src/modules/access/lookups/nik';
import { startApp, type TestApp } from '../support/app';

/** Every value under an `example`/`examples` key of the document, with where it is. */
function examples(node: unknown, path = ''): { path: string; value: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => examples(v, `${path}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const here = `${path}/${key}`;
    if (key === 'example' || key === 'examples') return [{ path: here, value }, ...examples(value, here)];
    return examples(value, here);
  });
}

/** The API documentation is read by many; no example in it may be a NIK or KK number anybody could hold. */
describe('The OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => t?.close());

  it('shows NIK examples that can never be a real person: their province code is no province', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body;
    const sixteenDigits = examples(document).flatMap(({ path, value }) => [...JSON.stringify(value).matchAll(/\d{16}/g)].map((m) => ({ path, nik: m[0] })));
    expect(sixteenDigits.length).toBeGreaterThan(0);
    for (const { path, nik } of sixteenDigits) expect({ path, problem: checkNik(nik)?.problem }).toEqual({ path, problem: 'NIK_UNKNOWN_PROVINCE' });
  });
});
