/**
 * Appends events straight to a storage before a gateway runs on it, as a test's given:
 * `node dist/test/support/append-events.js '[{"streamId": "...", "type": "...", "data": {...}}]'` with
 * DATA_DIR (embedded) or DATABASE_URL. The privacy guard still checks every event.
 */
import { openInfrastructure } from '../../src/composition/open-infrastructure';
import { loadConfig } from '../../src/infrastructure/config/config';

async function main(): Promise<void> {
  const events = JSON.parse(process.argv[2]!) as { streamId: string; type: string; data: Record<string, unknown> }[];
  const infra = await openInfrastructure(loadConfig(), { projections: () => [] });
  try {
    for (const e of events) await infra.eventStore.appendToStream(e.streamId, [{ type: e.type, data: e.data }], { expectedRevision: 'no_stream' });
  } finally {
    await infra.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
