import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __embedded?: { stop(): Promise<void> } }).__embedded;
  await embedded?.stop();
  if (process.env.TEST_EMBEDDED_DIR) rmSync(process.env.TEST_EMBEDDED_DIR, { recursive: true, force: true });
  if (process.env.TEST_OPENAPI_DOCUMENT) rmSync(process.env.TEST_OPENAPI_DOCUMENT, { force: true });
}
