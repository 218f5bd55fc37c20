import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, migrate } from '../../src/infrastructure/database/data-source';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';
import { missingTestTools } from './test-tools';
import { ADMIN_INITIAL_PASSWORD, ADMIN_PASSWORD, AUDITOR_INITIAL_PASSWORD, AUDITOR_PASSWORD, startApp } from './app';

/**
 * One embedded PGlite for the whole run, served over the wire protocol; suites connect with `pg`.
 * (Importing PGlite inside a jest test file fails: its dynamic imports need --experimental-vm-modules.)
 */
export default async function globalSetup(): Promise<void> {
  // The machine's tools some suites drive: CI installs them and must not skip those suites for want of them.
  // Checked before anything starts, so a refused run leaves nothing behind.
  const missingTools = missingTestTools();
  if (process.env.TEST_TOOLS_REQUIRED === 'true' && missingTools.length > 0) throw new Error(`TEST_TOOLS_REQUIRED: ${missingTools.join('; ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'nik-gateway-test-'));
  const embedded = await startEmbeddedPostgres({ dataDir });
  process.env.TEST_EMBEDDED_URL = embedded.url;
  // Migrate once here: on PGlite all connections share one session, so suites must not race to migrate.
  const dataSource = createDataSource(embedded.url);
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();
  process.env.TEST_EMBEDDED_DIR = dataDir;
  // One audit signing key for the run, inherited by every suite and every process it starts, so no test
  // writes a key file into the working directory's ./data.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // Gateways the suites start on a server run against the built-in simulator: chosen, as a server requires.
  process.env.REGISTRY_BUILTIN_SIMULATOR = 'true';
  process.env.AUDIT_SIGNING_KEY = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  process.env.TEST_AUDIT_PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  (globalThis as { __embedded?: typeof embedded }).__embedded = embedded;
  await firstSignIns();
  const skipped = [
    process.env.DATABASE_URL ? null : 'PostgreSQL server suites: DATABASE_URL not set (.ci/run sets it)',
    process.env.EVENTSTORE_CONNECTION_STRING ? null : 'EventStoreDB contract suite: EVENTSTORE_CONNECTION_STRING not set',
    ...missingTools,
  ].filter(Boolean);
  for (const line of skipped) process.stdout.write(`\n[SKIPPED] ${line}\n`);
}

/**
 * The seeded admin and auditor must change their initial passwords at first sign-in: done once here, before
 * the suites (two workers) share the accounts, so that none of them closes another's sessions by doing it.
 */
async function firstSignIns(): Promise<void> {
  const t = await startApp();
  try {
    // The OpenAPI document every file's answers are checked against (openapi-harness.setup.ts), from this
    // source, once per run: beside the run's data directory, removed with it at teardown.
    const docs = await t.http().get('/docs-json').expect(200);
    process.env.TEST_OPENAPI_DOCUMENT = `${process.env.TEST_EMBEDDED_DIR}.openapi.json`;
    writeFileSync(process.env.TEST_OPENAPI_DOCUMENT, JSON.stringify(docs.body));
    for (const [userId, initial, changed] of [
      ['admin', ADMIN_INITIAL_PASSWORD, ADMIN_PASSWORD],
      ['auditor', AUDITOR_INITIAL_PASSWORD, AUDITOR_PASSWORD],
    ] as const) {
      const login = await t.http().post('/v1/auth/login').send({ userId, password: initial });
      if (login.status !== 200 || !login.body.mustChangePassword) throw new Error(`first sign-in of ${userId}: ${login.status} ${JSON.stringify(login.body)}`);
      await t
        .http()
        .post(`/v1/operators/${login.body.operatorId}/password`)
        .set('authorization', `Bearer ${login.body.accessToken}`)
        .send({ currentPassword: initial, newPassword: changed })
        .expect(201);
    }
  } finally {
    await t.close();
  }
}
