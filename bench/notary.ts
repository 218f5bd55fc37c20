/**
 * bench/notary: events per second the notary chains, trees and checkpoints (the real projection through the
 * real runner: read, canonical encoding, two SHA-256 per event, the perfect subtrees, an Ed25519 signature
 * every 1,000 events, one transaction per batch), against the rate the gateway appends at, measured first
 * in the same run: 8 concurrent writers, one event per append on a new stream, through the guarded port.
 * The notary must not be the bottleneck: >= 5x the append rate.
 *
 *   npm run bench:notary            (throwaway PostgreSQL 15, fsync on unless BENCH_FSYNC=off; or DATABASE_URL)
 *   BENCH_NOTARY_EVENTS=1000000 BENCH_APPENDS=20000 BENCH_BATCH=<the notary's own, 5000>
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { CheckpointSigner } from '../src/modules/audit/checkpoint';
import { NotaryProjection } from '../src/modules/audit/notary.projection';
import { fixtureEvents } from '../test/support/fixture-events';
import { secondsSince as seconds, seedFixtureCounted, withBenchInfrastructure } from './support/postgres';

const EVENTS = Number(process.env.BENCH_NOTARY_EVENTS ?? 1_000_000);
const APPENDS = Number(process.env.BENCH_APPENDS ?? 20_000);
const WRITERS = 8;
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined; // default: the notary's own batch size
const FSYNC = process.env.BENCH_FSYNC !== 'off';

async function main(): Promise<void> {
  const signer = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  const notary = new NotaryProjection({ everyEvents: 1000, everyMs: 60 * 60_000, signer: () => signer });
  await withBenchInfrastructure(FSYNC, { extraEvents: fixtureEvents, projections: () => [notary] }, async (db, infra) => {
    // The append rate, as the foundation bench measures it: every writer appends to new streams.
    const appendStarted = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < APPENDS / WRITERS; i++) {
          await infra.eventStore.appendToStream(`fixture-${randomUUID()}`, [{ type: 'FixtureCounted', data: { key: `w${w}`, amount: i % 1000 } }], {
            expectedRevision: 'no_stream',
          });
        }
      }),
    );
    const appendRate = APPENDS / seconds(appendStarted);

    // Then the log is filled up to EVENTS (not measured) and notarised from zero.
    const pool = new Pool({ connectionString: db.url, max: 1 });
    await seedFixtureCounted(pool, APPENDS, EVENTS, 'fixture-n');
    await pool.end();

    let notarised = 0;
    const started = process.hrtime.bigint();
    await infra.runner.rebuild(notary, { batchSize: BATCH, onBatch: ({ read }) => (notarised += read) });
    const notaryRate = notarised / seconds(started);
    const [{ n }] = await infra.dataSource.query('SELECT count(*)::int AS n FROM audit_checkpoints');

    console.log(
      `bench/notary — ${db.settings}; ${notarised} events notarised in batches of ${BATCH ?? notary.batchSize}, ${n} checkpoints signed (Ed25519, one per 1,000 events)`,
    );
    console.log(`append rate (${WRITERS} writers, new stream per append, ${APPENDS} events): ${appendRate.toFixed(0)} events/s`);
    console.log(
      `notary (chain + Merkle tree + checkpoints):                ${notaryRate.toFixed(0)} events/s  (${(notaryRate / appendRate).toFixed(1)}x the append rate; target >= 5x)`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
