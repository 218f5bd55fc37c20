/**
 * bench/replay: events per second through a projection rebuild (the real runner and the application's
 * event-volume projection: batch read, apply, checkpoint, one transaction per batch) over 1,000,000
 * events on a PostgreSQL 15 server, beside the bare read of the same events in the same order (the
 * ceiling the rebuild cannot beat), in one process.
 *
 *   npm run bench:replay            (throwaway server, fsync off unless BENCH_FSYNC=on; or DATABASE_URL)
 *   BENCH_REPLAY_EVENTS=1000000 BENCH_BATCH=1000
 */
import { Pool } from 'pg';
import { EventVolumeProjection } from '../src/modules/reporting/event-volume/event-volume.projection';
import { fixtureEvents } from '../test/support/fixture-events';
import { bareRead } from './support/bare-read';
import { secondsSince, seedFixtureCounted, withBenchInfrastructure } from './support/postgres';

const EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const FSYNC = process.env.BENCH_FSYNC === 'on';

async function main(): Promise<void> {
  const projection = new EventVolumeProjection(fixtureEvents.map((d) => d.type));
  await withBenchInfrastructure(FSYNC, { extraEvents: fixtureEvents, projections: () => [projection] }, async (db, infra) => {
    const pool = new Pool({ connectionString: db.url, max: 1 });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM es_events');
    if (rows[0].n < EVENTS) {
      const started = process.hrtime.bigint();
      await seedFixtureCounted(pool, rows[0].n, EVENTS, 'fixture-r');
      console.log(`seeded ${EVENTS - rows[0].n} events in ${secondsSince(started).toFixed(1)} s`);
    }
    await pool.end();

    // Baseline: the bare read of the global order in the same batches, no projection, no transactions.
    const bare = await bareRead(infra.eventStore, BATCH);
    const readRate = bare.events / bare.seconds;

    let replayed = 0;
    const started = process.hrtime.bigint();
    await infra.runner.rebuild(projection, { batchSize: BATCH, onBatch: ({ read: n }) => (replayed += n) });
    const rate = replayed / secondsSince(started);

    console.log(`bench/replay — ${db.settings}; ${replayed} events, batch ${BATCH}, projection event-volume, 1 transaction per batch`);
    console.log(`bare read of the global order: ${readRate.toFixed(0)} events/s`);
    console.log(`projection rebuild:            ${rate.toFixed(0)} events/s  (${(rate / readRate).toFixed(2)}x the bare read; target >= 20,000/s)`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
