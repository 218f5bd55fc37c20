/**
 * A real process running the projection runner, for the crash test:
 *   node dist/test/support/projection-worker.js seed N | run [BATCH [apply|checkpoint]] | rebuild [BATCH] | dump | rebuild-dump
 * Storage as the app chooses it: DATABASE_URL for a server, else embedded PGlite under DATA_DIR.
 * With BATCH, the worker stops inside that batch's transaction — half-way through applying it (`apply`,
 * the default), or after applying it and before its checkpoint moves (`checkpoint`) — prints MID_BATCH
 * and waits, so the test can kill -9 it there.
 */
import { loadConfig } from '../../src/infrastructure/config/config';
import { openInfrastructure } from '../../src/composition/open-infrastructure';
import { fixtureEvents } from './fixture-events';
import { FixtureTotalsProjection, seededEvent } from './fixture-totals.projection';

async function main(): Promise<void> {
  const [command, arg, where = 'apply'] = process.argv.slice(2);
  let batches = 0;
  const blockAt = (command === 'run' || command === 'rebuild') && arg ? Number(arg) : undefined;
  const blockHere = (point: string) => async () => {
    if (blockAt !== undefined && batches === blockAt && where === point) {
      process.stdout.write('MID_BATCH\n');
      await new Promise(() => undefined); // hold the open transaction until killed
    }
  };
  const projection = new FixtureTotalsProjection(blockHere('apply'));
  const infra = await openInfrastructure(loadConfig(), { extraEvents: fixtureEvents, projections: () => [projection] });
  try {
    await FixtureTotalsProjection.createTable((sql) => infra.dataSource.query(sql));
    switch (command) {
      case 'seed': {
        const count = Number(arg);
        for (let i = 0; i < count; i += 10) {
          const events = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({ type: 'FixtureCounted', data: seededEvent(i + j) }));
          await infra.eventStore.appendToStream(`fixture-s${i / 10}`, events, { expectedRevision: 'no_stream' });
        }
        break;
      }
      case 'run': {
        const outcome = await infra.runner.run(projection, {
          untilCaughtUp: true,
          batchSize: 100,
          beforeCheckpoint: blockHere('checkpoint'),
          onBatch: () => {
            batches++;
          },
        });
        process.stdout.write(`${outcome}\n`);
        break;
      }
      case 'rebuild':
        process.stdout.write(`${await infra.runner.rebuild(projection, { batchSize: 100, onBatch: () => batches++ })}\n`);
        break;
      case 'rebuild-dump':
        await infra.runner.rebuild(projection, { batchSize: 100 });
      // falls through
      case 'dump': {
        const rows: { key: string; events: string; total: string }[] = await infra.dataSource.query(
          'SELECT key, events::text, total::text FROM fixture_totals ORDER BY key',
        );
        const status = await infra.runner.status(projection.name);
        const totals = Object.fromEntries(rows.map((r) => [r.key, { events: Number(r.events), total: Number(r.total) }]));
        process.stdout.write(`${JSON.stringify({ totals, eventsHandled: Number(status.eventsHandled) })}\n`);
        break;
      }
      default:
        throw new Error(`unknown command ${command}`);
    }
  } finally {
    await infra.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
