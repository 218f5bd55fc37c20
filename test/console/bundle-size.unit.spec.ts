import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The console must load quickly on a Puskesmas line: all of its JavaScript at most 250 KB gzipped
 * (issue 15). A size, not a timing. It reads what `npm run build:console` (run by `npm ci`) produced.
 */
describe("The console's JavaScript", () => {
  const assets = resolve(__dirname, '..', '..', 'console', 'dist', 'assets');

  it('is at most 250 KB gzipped in total', () => {
    if (!existsSync(assets)) throw new Error(`${assets} is missing: run npm run build:console first`);
    const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const sizes = scripts.map((name) => ({ name, gzipped: gzipSync(readFileSync(join(assets, name))).length }));
    const total = sizes.reduce((sum, s) => sum + s.gzipped, 0);
    console.log(
      `console JavaScript: ${(total / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s): ${sizes.map((s) => `${s.name} ${(s.gzipped / 1024).toFixed(1)} KB`).join(', ')}`,
    );
    expect(total).toBeLessThanOrEqual(250 * 1024);
  });
});
