/**
 * `npm run console:api`: regenerates the console's typed contract (console/src/api/schema.d.ts) from the
 * gateway's own OpenAPI document. The document is built by the application itself, in this process, on a
 * throw-away embedded store (no server, no port): the same `createHttpApp` that `npm start` serves, asked
 * for /docs-json through Fastify's inject. Then openapi-typescript's CLI and prettier, as a person would.
 * test/console/console-api.spec.ts fails when the committed file differs from what this generates.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createHttpApp } from '../src/composition/http-app';
import { openInfrastructure } from '../src/composition/open-infrastructure';
import { loadConfig } from '../src/infrastructure/config/config';

/** The repository's root, from the source (scripts/) or the build (dist/scripts/). */
export const REPO = resolve(__dirname, __dirname.includes(`${join('dist', 'scripts')}`) ? '../..' : '..');
export const SCHEMA_FILE = join(REPO, 'console', 'src', 'api', 'schema.d.ts');

/** The gateway's OpenAPI document, built by the application on a throw-away embedded store. */
export async function gatewayDocument(): Promise<object> {
  const dataDir = mkdtempSync(join(tmpdir(), 'console-api-'));
  try {
    const infra = await openInfrastructure(
      loadConfig({
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        EVENTSTORE_CONNECTION_STRING: '',
        REGISTRY_URL: '',
        LOG_LEVEL: 'silent',
        RUN_BALIKAN_DELIVERY: 'false',
        INITIAL_ADMIN_PASSWORD: 'console-api-unused-1',
        INITIAL_AUDITOR_PASSWORD: 'console-api-unused-2',
      }),
    );
    try {
      const app = await createHttpApp(infra, pino({ level: 'silent' }));
      try {
        const answer = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
        if (answer.statusCode !== 200) throw new Error(`/docs-json answered ${answer.statusCode}`);
        return JSON.parse(answer.body) as object;
      } finally {
        await app.close();
      }
    } finally {
      await infra.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** schema.d.ts for a document: openapi-typescript's CLI, then prettier with the repository's settings. */
export function schemaOf(document: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-schema-'));
  try {
    const input = join(dir, 'openapi.json');
    const output = join(dir, 'schema.d.ts');
    writeFileSync(input, JSON.stringify(document));
    execFileSync(join(REPO, 'node_modules', '.bin', 'openapi-typescript'), [input, '-o', output], { stdio: 'pipe' });
    // Formatted as if it were the real file, so prettier resolves the same configuration.
    return execFileSync(join(REPO, 'node_modules', '.bin', 'prettier'), ['--stdin-filepath', SCHEMA_FILE], {
      input: readFileSync(output, 'utf8'),
      encoding: 'utf8',
      cwd: REPO,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const schema = schemaOf(await gatewayDocument());
  const before = readFileSync(SCHEMA_FILE, 'utf8');
  writeFileSync(SCHEMA_FILE, schema);
  console.log(before === schema ? `${SCHEMA_FILE}: unchanged` : `${SCHEMA_FILE}: regenerated; run npm run lint to see what the console must follow`);
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
