/**
 * bench/append: appends per second of the PostgreSQL adapter (through the guarded port the app uses),
 * beside (a) raw single-row INSERTs into a table of the same shape and (b) emmett-postgresql's
 * appendToStream, on the same PostgreSQL 15 server, same concurrency, same durability, in one run.
 * One event per append, each writer on its own stream with an exact expected revision.
 *
 *   npm run bench:append            (starts a throwaway server with fsync on; or set DATABASE_URL)
 *   BENCH_EVENTS=5000 BENCH_ROUNDS=3 BENCH_FSYNC=off
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { EventSchemas } from '../src/infrastructure/event-store/event-schemas';
import { GuardedEventStore } from '../src/infrastructure/event-store/guarded-event-store';
import { PostgresEventStoreAdapter, schemaDdl } from '../src/infrastructure/event-store/postgres/postgres-event-store.adapter';
import { fixtureEvents } from '../test/support/fixture-events';
import { benchDatabase, median } from './support/postgres';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FSYNC = (process.env.BENCH_FSYNC ?? 'on') !== 'off';

const payload = () => ({
  accessId: randomUUID(),
  facilityCode: 'PKM331301',
  channel: 'WEB_PORTAL',
  outcome: 'FOUND',
  registryLatencyMs: 412,
  holderOrigin: 'IN_REGENCY',
});
const ENVELOPE = { type: 'FixtureLookupRecorded', correlationId: randomUUID() };

type Writer = (stream: string, i: number) => Promise<unknown>;
type Workload = 'new stream per append' | 'one stream per writer';
const WORKLOADS: Workload[] = ['new stream per append', 'one stream per writer'];

async function timed(concurrency: number, workload: Workload, write: Writer): Promise<number> {
  const perWriter = Math.floor(EVENTS / concurrency);
  const runId = randomUUID().slice(0, 8);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        if (workload === 'one stream per writer') await write(`bench-${runId}w${w}`, i);
        else await write(`bench-${runId}w${w}i${i}`, 0);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (perWriter * concurrency) / seconds;
}

async function warmUp(write: Writer): Promise<void> {
  const stream = `bench-warm${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < 100; i++) await write(stream, i);
}

async function main(): Promise<void> {
  const db = await benchDatabase({ fsync: FSYNC });
  const results: string[] = [];
  try {
    const setup = new Pool({ connectionString: db.url, max: 1 });
    await setup.query('DROP SCHEMA IF EXISTS bench_ours CASCADE; DROP SCHEMA IF EXISTS bench_raw CASCADE');
    // The raw baseline table has the same columns, keys and indexes as the event table.
    await setup.query(schemaDdl('"bench_raw"'));
    await setup.query('DROP TRIGGER es_events_immutable ON bench_raw.es_events; DROP TRIGGER es_events_no_truncate ON bench_raw.es_events');
    await setup.end();

    const schemas = new EventSchemas(fixtureEvents);
    const emmett = getPostgreSQLEventStore(db.url);
    const sample = JSON.stringify(payload());
    console.log(
      `bench/append — ${db.settings}; ${EVENTS} events per run, median of ${ROUNDS} rounds, payload ${Buffer.byteLength(sample)} B of JSON, 1 event per append`,
    );
    console.log('workload              | concurrency | raw INSERT ev/s | ours ev/s | emmett ev/s | ours/raw | ours/emmett');

    for (const workload of WORKLOADS)
      for (const concurrency of [1, 8]) {
        const pool = new Pool({ connectionString: db.url, max: concurrency });
        const adapter = new PostgresEventStoreAdapter(pool, { schema: 'bench_ours', namedStatements: true }); // as configured on a server
        await adapter.initialise();
        const store = new GuardedEventStore(adapter, schemas);

        const contenders: Record<string, Writer> = {
          raw: (stream, i) =>
            pool.query(
              `INSERT INTO bench_raw.es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at, correlation_id, causation_id)
             VALUES ($1, $2, $3, $4, 1, $5, $6, $7, NULL)`,
              [randomUUID(), stream, i, ENVELOPE.type, JSON.stringify(payload()), new Date().toISOString(), ENVELOPE.correlationId],
            ),
          ours: (stream, i) => store.appendToStream(stream, [{ ...ENVELOPE, data: payload() }], { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1) }),
          // emmett 0.42 enforces only bigint expected versions: 0n for a new stream.
          emmett: (stream, i) => emmett.appendToStream(stream, [{ type: ENVELOPE.type, data: payload() }], { expectedStreamVersion: BigInt(i) }),
        };
        const figures: Record<string, number[]> = { raw: [], ours: [], emmett: [] };
        for (const write of Object.values(contenders)) await warmUp(write); // connections, plans, emmett's migrations
        for (let round = 0; round < ROUNDS; round++) {
          for (const [name, write] of Object.entries(contenders)) figures[name]!.push(await timed(concurrency, workload, write));
        }
        const raw = median(figures.raw!);
        const ours = median(figures.ours!);
        const em = median(figures.emmett!);
        const line = `${workload.padEnd(21)} | ${String(concurrency).padStart(11)} | ${raw.toFixed(0).padStart(15)} | ${ours.toFixed(0).padStart(9)} | ${em.toFixed(0).padStart(11)} | ${(ours / raw).toFixed(2).padStart(8)} | ${(ours / em).toFixed(2).padStart(11)}`;
        console.log(line);
        results.push(line);
        await pool.end();
      }
    await emmett.close();
    console.log('targets at concurrency 8: ours/raw >= 0.80, ours/emmett >= 1.20');
  } finally {
    db.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
