import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD_PROBLEMS } from '../../src/infrastructure/security/password-policy';

/*
 * Every refusal code the gateway can answer, read from its source the way a reviewer would find them, has
 * a message in the console (console/src/messages.ts), so a person at the screen never sees a bare code.
 */
const root = join(__dirname, '..', '..');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);

function codesTheServerAnswers(): Set<string> {
  const codes = new Set<string>(Object.keys(PASSWORD_PROBLEMS).filter((p) => p !== 'PASSWORD_LENGTH'));
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const found = [
      // new Refusal(409, 'CODE', ...), over one line or several
      ...all(text, /new Refusal\(\s*\d{3},\s*'([A-Z][A-Z0-9_]+)'/g),
      // error bodies written directly, and the filter's status-to-code table
      ...all(text, /statusCode: \d{3}, code: '([A-Z][A-Z0-9_]+)'/g),
      ...(file.endsWith('error.filter.ts') ? all(text, /^\s*\d{3}: '([A-Z][A-Z0-9_]+)'/gm) : []),
      // codes chosen by a policy or a table, then thrown as Refusals
      ...all(text, /\brejection\('([A-Z][A-Z0-9_]+)'/g),
      ...all(text, /\bdeny\('([A-Z][A-Z0-9_]+)'/g),
      ...all(text, /\brefused\(\s*'[A-Z_]+',\s*\d{3},\s*'([A-Z][A-Z0-9_]+)'/g),
      ...(file.endsWith('nik.ts') ? all(text, /^export type NikProblem = (.*);$/gm).flatMap((u) => all(u, /'([A-Z_]+)'/g)) : []),
    ];
    for (const code of found) codes.add(code);
  }
  return codes;
}

const consoleMessages = new Set(all(readFileSync(join(root, 'console', 'src', 'messages.ts'), 'utf8'), /^\s+([A-Z][A-Z0-9_]+):/gm));

describe('The console explains every refusal the gateway can answer', () => {
  it('finds the codes in the source (the search itself still works)', () => {
    const codes = codesTheServerAnswers();
    for (const known of [
      'CHECKPOINT_NOT_FOUND',
      'NIK_INVALID_DATE',
      'AGREEMENT_NOT_ACTIVE',
      'REGISTRY_REFUSED',
      'ROLE_NOT_ALLOWED',
      'PASSWORD_TOO_COMMON',
      'INTERNAL_ERROR',
    ])
      expect(codes).toContain(known);
    expect(codes.size).toBeGreaterThan(90);
  });

  it('has a message in Bahasa Indonesia for each of them', () => {
    expect([...codesTheServerAnswers()].filter((code) => !consoleMessages.has(code)).sort()).toEqual([]);
  });
});
