import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The machine's tools some suites drive: Debian's Chromium (the console in a browser) and poppler-utils
 * (PDFs read back as text). Without one, the suites needing it register their tests as skipped (counted so
 * in jest's summary) and the run says so at its start; .ci/run installs both and requires them
 * (TEST_TOOLS_REQUIRED=true), so CI never skips them. No jest globals here: the global setup reads it.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const HAS_POPPLER = ['pdftotext', 'pdfinfo'].every((tool) => !spawnSync(tool, ['-v']).error);

/** What is missing, each with how to install it. */
export function missingTestTools(): string[] {
  return [
    HAS_CHROMIUM ? null : `console browser suites: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    HAS_POPPLER ? null : 'tests that read PDF text: pdftotext not installed (apt-get install -y poppler-utils)',
  ].filter((line) => line !== null);
}
