import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAS_POPPLER } from './test-tools';

/**
 * Reading PDFs back as text the way a reader (or a search) sees them, with Debian's poppler-utils
 * (`pdftotext`, `pdfinfo`); without them the tests that need them are skipped (test-tools.ts).
 */
export { HAS_POPPLER };

/** `it`, or `it.skip` when poppler-utils is missing. */
export const itWithPoppler = HAS_POPPLER ? it : it.skip;
export const describeWithPoppler = HAS_POPPLER ? describe : describe.skip;

let workDir: string | undefined;
let fileNumber = 0;

/** Writes the bytes to a temporary file, or returns the path given. */
export function pdfFile(pdf: Buffer | string): string {
  if (typeof pdf === 'string') return pdf;
  workDir ??= mkdtempSync(join(tmpdir(), 'nik-pdf-'));
  const file = join(workDir, `document-${fileNumber++}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr}`);
  return result.stdout;
}

/** The pages' text in reading layout; pdftotext ends every page with a form feed. */
export function pdfPages(pdf: Buffer | string): string[] {
  return run('pdftotext', ['-layout', pdfFile(pdf), '-'])
    .split('\f')
    .slice(0, -1);
}

export const pdfText = (pdf: Buffer | string) => pdfPages(pdf).join('\n');

export function pageCount(pdf: Buffer | string): number {
  return Number(/^Pages:\s+(\d+)/m.exec(run('pdfinfo', [pdfFile(pdf)]))?.[1]);
}
