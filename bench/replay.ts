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
import { loadConfig } from '../src/infrastructure/config/config';
import { openInfrastructure } from '../src/infrastructure/bootstrap';
import { EventVolumeProjection } from '../src/modules/reporting/event-volume/event-volume.projection';
import { fixtureEvents } from '../test/support/fixture-events';
import { bareRead } from './support/bare-read';
import { benchDatabase } from './support/postgres';

const EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const FSYNC = process.env.BENCH_FSYNC === 'on';

async function main(): Promise<void> {
  const db = await benchDatabase({ fsync: FSYNC });
  try {
    const projection = new EventVolumeProjection(fixtureEvents.map((d) => d.type));
    const infra = await openInfrastructure(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' }), {
      extraEvents: fixtureEvents,
      projections: () => [projection],
    });
    try {
      const pool = new Pool({ connectionString: db.url, max: 1 });
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM es_events');
      if (rows[0].n < EVENTS) {
        const started = Date.now();
        // Seeding is not what is measured: one INSERT ... SELECT writes valid FixtureCounted events, 10 per stream,
        // in transactions of 100,000 so that the global order spans many transaction ids, as real appends do.
        for (let from = rows[0].n; from < EVENTS; from += 100_000) {
          const to = Math.min(from + 100_000, EVENTS);
          await pool.query(
            `INSERT INTO es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at)
             SELECT gen_random_uuid(), 'fixture-r' || (g / 10), g % 10, 'FixtureCounted', 1,
                    jsonb_build_object('key', 'k' || (g % 7), 'amount', g % 100),
                    timestamptz '2025-01-01' + (g || ' seconds')::interval
             FROM generate_series($1::int, $2::int - 1) g`,
            [from, to],
          );
        }
        await pool.query('ANALYZE es_events');
        console.log(`seeded ${EVENTS - rows[0].n} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      await pool.end();

      // Baseline: the bare read of the global order in the same batches, no projection, no transactions.
      const bare = await bareRead(infra.eventStore, BATCH);
      const readRate = bare.events / bare.seconds;

      let replayed = 0;
      const started = process.hrtime.bigint();
      await infra.runner.rebuild(projection, { batchSize: BATCH, onBatch: ({ read: n }) => (replayed += n) });
      const rate = replayed / (Number(process.hrtime.bigint() - started) / 1e9);

      console.log(`bench/replay — ${db.settings}; ${replayed} events, batch ${BATCH}, projection event-volume, 1 transaction per batch`);
      console.log(`bare read of the global order: ${readRate.toFixed(0)} events/s`);
      console.log(`projection rebuild:            ${rate.toFixed(0)} events/s  (${(rate / readRate).toFixed(2)}x the bare read; target >= 20,000/s)`);
    } finally {
      await infra.close();
    }
  } finally {
    db.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
