import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * Layers point one way: composition -> modules -> infrastructure. Infrastructure knows no module and no
 * composition root; a module does not reach up into the composition root. (eslint's no-restricted-imports
 * says the same while editing; this fails the test run whatever the editor.)
 */
const RULES = [
  { layer: 'src/infrastructure', mayNotImport: ['src/modules', 'src/composition'] },
  { layer: 'src/modules', mayNotImport: ['src/composition'] },
] as const;

interface Crossing {
  readonly file: string;
  readonly imports: string;
  readonly reaches: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);

/** Every import (static, type-only, re-export, dynamic, require) in `layer` that resolves into one of `forbidden`. */
function crossings(root: string, layer: string, forbidden: readonly string[]): Crossing[] {
  const found: Crossing[] = [];
  for (const file of sourceFiles(join(root, layer))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      // Relative paths, and any spelling that names the folder from the project root ("src/modules/...").
      const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : resolve(root, specifier);
      const reached = forbidden.find((dir) => inside(target, join(root, dir)));
      if (reached) found.push({ file: relative(root, file), imports: specifier, reaches: reached });
    }
  }
  return found;
}

const describeCrossings = (found: readonly Crossing[]) => found.map((c) => `${c.file} imports '${c.imports}' (${c.reaches})`);

describe('Layers point one way', () => {
  const root = resolve(__dirname, '..', '..');

  it.each(RULES.map((rule) => ({ ...rule, names: rule.mayNotImport.join(' or ') })))('nothing under $layer imports from $names', ({ layer, mayNotImport }) => {
    expect(describeCrossings(crossings(root, layer, mayNotImport))).toEqual([]);
  });

  describe('the check itself', () => {
    let fixture: string;
    beforeAll(() => {
      fixture = mkdtempSync(join(tmpdir(), 'nik-layers-'));
      const write = (path: string, text: string) => {
        mkdirSync(dirname(join(fixture, path)), { recursive: true });
        writeFileSync(join(fixture, path), text);
      };
      write('src/modules/access/operator.ts', 'export type Role = "DINKES_ADMIN";\n');
      write('src/composition/app.module.ts', 'export class AppModule {}\n');
      write('src/infrastructure/event-store/fine.ts', "import { x } from './port';\nimport { Pool } from 'pg';\n");
      write(
        'src/infrastructure/security/guard.ts',
        "import type { Role } from '../../modules/access/operator';\nexport const load = () => import('../../composition/app.module');\n",
      );
      write('src/modules/access/wrong.ts', "export { AppModule } from '../../composition/app.module';\n");
    });
    afterAll(() => rmSync(fixture, { recursive: true, force: true }));

    it('names each file and import that points back up, type-only, re-exported and dynamic ones included', () => {
      expect(describeCrossings(crossings(fixture, 'src/infrastructure', ['src/modules', 'src/composition']))).toEqual([
        "src/infrastructure/security/guard.ts imports '../../modules/access/operator' (src/modules)",
        "src/infrastructure/security/guard.ts imports '../../composition/app.module' (src/composition)",
      ]);
      expect(describeCrossings(crossings(fixture, 'src/modules', ['src/composition']))).toEqual([
        "src/modules/access/wrong.ts imports '../../composition/app.module' (src/composition)",
      ]);
    });
  });
});
