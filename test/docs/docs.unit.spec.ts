import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PERSON_FIELDS } from '../../src/modules/access/agreements/granted-fields';

/**
 * The documents stay true to the code: every setting the code reads is documented, the README stays short,
 * and no link or path in the documents points at something that does not exist (files move; documents must
 * move with them).
 */

const root = resolve(__dirname, '..', '..');

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : filesUnder(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

/** Environment variables read by the service, its CLI, the scripts and the benchmarks. */
function variablesTheCodeReads(): Map<string, string> {
  const readers = [
    /process\.env\.([A-Z][A-Z0-9_]*)/g, // process.env.PORT
    /process\.env\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g, // process.env['PORT']
    /\benv\.([A-Z][A-Z0-9_]*)/g, // env.PORT, in the config loader
    /\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g, // integer(env, 'PORT', …), optionalUrl(env, 'DATABASE_URL', …)
    /new ConfigError\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g, // a setting start-up may refuse
  ];
  const found = new Map<string, string>();
  for (const file of ['src', 'scripts', 'bench'].flatMap((dir) => filesUnder(join(root, dir), '.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const reader of readers) for (const match of text.matchAll(reader)) if (!found.has(match[1]!)) found.set(match[1]!, relative(root, file));
  }
  return found;
}

/** The README, docs/ and the modules' own READMEs. */
const documents = (): string[] => [join(root, 'README.md'), ...filesUnder(join(root, 'docs'), '.md'), ...filesUnder(join(root, 'src'), 'README.md')];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(file: string): Set<string> {
  const headings = readFileSync(file, 'utf8').match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((h) => anchorOf(h.replace(/^#+ /, ''))));
}

/** Markdown links outside code blocks: [text](target). */
function linksIn(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** Repository paths named in `code` spans, e.g. `src/modules/access/lookups/nik.ts`. */
function pathsIn(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/`((?:src|test|bench|scripts|docker|docs|\.ci)\/[A-Za-z0-9_./-]*)`/g)].map((m) => m[1]!);
}

describe('The documents a newcomer reads', () => {
  it('name every environment variable the code reads in the configuration document', () => {
    const read = variablesTheCodeReads();
    const configuration = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    expect(read.size).toBeGreaterThan(40);
    const missing = [...read].filter(([name]) => !new RegExp(`\`${name}\``).test(configuration)).map(([name, file]) => `${name} (read in ${file})`);
    expect(missing).toEqual([]);
  });

  it('keep the README short enough to read first: at most 210 lines', () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(210);
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of documents()) {
      for (const link of linksIn(file)) {
        if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
        const [path, anchor] = link.split('#');
        const target = path ? resolve(dirname(file), path) : file;
        if (!existsSync(target)) broken.push(`${relative(root, file)}: ${link}`);
        else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) broken.push(`${relative(root, file)}: ${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('name only files and folders of the repository that exist', () => {
    const missing = documents().flatMap((file) =>
      pathsIn(file)
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${relative(root, file)}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it("print the agreement's words for the nine fields, their person keys and shapes exactly as PERSON_KEY maps them (the API guide's table)", () => {
    const guide = readFileSync(join(root, 'docs', 'api-guide.md'), 'utf8');
    const rows = [...guide.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| `([a-zA-Z]+)` \| [^|]+\|$/gm)].map(([, field, words, key]) => ({
      field,
      key,
      words: words!.trim(),
    }));
    expect(rows).toEqual(PERSON_FIELDS);
  });
});
