/**
 * bench/report: the semester report over a regency-sized log. 1,000,000 events (a year of lookups and card
 * reads at 21 Puskesmas, balikan submitted and delivered for a third of the finds, refusals) are projected
 * by the real `reporting` projection; then the semester report is built from the read models as JSON
 * (target <= 100 ms) and as a PDF (target <= 2 s). The baseline, in the same process, is what the report
 * would cost without read models: one bare read of the whole log in its global order.
 *
 *   npm run bench:report            (throwaway PostgreSQL 15, fsync off unless BENCH_FSYNC=on; or DATABASE_URL)
 *   BENCH_REPORT_EVENTS=1000000
 */
import { Pool } from 'pg';
import { seededFacilities } from '../src/modules/access/seed/seed';
import { renderSemesterReportPdf } from '../src/modules/reporting/documents';
import { ReportingProjection } from '../src/modules/reporting/read-models/reporting.projection';
import { semesterReport } from '../src/modules/reporting/semester/semester-report.query';
import { bareRead } from './support/bare-read';
import { secondsSince as seconds, withBenchInfrastructure } from './support/postgres';

const EVENTS = Number(process.env.BENCH_REPORT_EVENTS ?? 1_000_000);
const FSYNC = process.env.BENCH_FSYNC === 'on';
const CHUNK = 100_000;

async function timed<T>(runs: number, work: () => Promise<T>): Promise<{ median: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    last = await work();
    times.push(seconds(started) * 1000);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, last };
}

/**
 * Seeding is not what is measured. Accesses take 85% of the events (one per stream, `access-{md5}`), then a
 * balikan submitted and delivered for every third access (revisions 1 and 2 of the same stream), then
 * refusals. Occurred-at spreads over 2025 in WIB office hours; outcomes follow a plausible mix.
 */
async function seed(pool: Pool, facilityIds: string[]): Promise<void> {
  const accesses = Math.floor(EVENTS * 0.85);
  const balikanAccesses = Math.floor((EVENTS - accesses) * 0.45);
  const refusals = EVENTS - accesses - 2 * balikanAccesses;
  const common = `
    jsonb_build_object(
      'accessId', md5('a' || g)::uuid,
      'facilityId', ($3::uuid[])[1 + g % array_length($3::uuid[], 1)],
      'operatorId', md5('op' || (g % 420))::uuid,
      'outcome', (ARRAY['FOUND','FOUND','FOUND','FOUND','FOUND','FOUND','DECEASED','NOT_FOUND','REGISTRY_TIMEOUT','FOUND'])[1 + g % 10],
      'holderOrigin', CASE WHEN g % 9 = 0 THEN 'OUT_OF_REGENCY' ELSE 'IN_REGENCY' END)`;
  const when = `timestamptz '2025-01-01 08:00+07' + ((g * 31) % 365 || ' days')::interval + ((g % 480) || ' minutes')::interval`;
  for (let from = 0; from < accesses; from += CHUNK) {
    await pool.query(
      `INSERT INTO es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at)
       SELECT gen_random_uuid(), 'access-' || md5('a' || g)::uuid, 0,
              CASE WHEN g % 10 < 7 THEN 'NikLookupPerformed' ELSE 'CardReadRecorded' END, 1,
              CASE WHEN g % 10 < 7 THEN ${common}
                   ELSE ${common} || jsonb_build_object('readerId', md5('r' || g % 21)::uuid, 'fingerprint', 'MATCHED') END,
              ${when}
       FROM generate_series($1::int, $2::int - 1) g`,
      [from, Math.min(from + CHUNK, accesses), facilityIds],
    );
  }
  // Every third access is picked for a balikan; g * 3 keeps to accesses whose outcome (g % 10) is mostly a find.
  for (const [revision, type, extra] of [
    [
      1,
      'BalikanSubmitted',
      `'facilityId', ($3::uuid[])[1 + (g * 10) % array_length($3::uuid[], 1)], 'operatorId', md5('op' || ((g * 10) % 420))::uuid, 'kinds', jsonb_build_array('BLOOD_TYPE')`,
    ],
    [2, 'BalikanDelivered', `'attempts', 1`],
  ] as const) {
    for (let from = 0; from < balikanAccesses; from += CHUNK) {
      await pool.query(
        `INSERT INTO es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at)
         SELECT gen_random_uuid(), 'access-' || md5('a' || (g * 10))::uuid, ${revision}, '${type}', 1,
                jsonb_build_object('balikanId', md5('b' || g)::uuid, 'accessId', md5('a' || (g * 10))::uuid, ${extra}),
                timestamptz '2025-01-01 09:00+07' + (((g * 10 * 31) % 365) || ' days')::interval
         FROM generate_series($1::int, $2::int - 1) g`,
        revision === 1 ? [from, Math.min(from + CHUNK, balikanAccesses), facilityIds] : [from, Math.min(from + CHUNK, balikanAccesses)],
      );
    }
  }
  await pool.query(
    `INSERT INTO es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at)
     SELECT gen_random_uuid(), 'denial-' || md5('d' || g)::uuid, 0, 'AccessDenied', 1,
            jsonb_build_object('denialId', md5('d' || g)::uuid, 'reason', (ARRAY['RATE_LIMITED','FACILITY_SCOPE','NETWORK_NOT_ALLOWED','ROLE_NOT_ALLOWED'])[1 + g % 4],
                               'route', 'POST /v1/access/nik-lookups', 'facilityId', ($2::uuid[])[1 + g % array_length($2::uuid[], 1)]),
            timestamptz '2025-01-01 10:00+07' + ((g % 365) || ' days')::interval
     FROM generate_series(0, $1::int - 1) g`,
    [refusals, facilityIds],
  );
  await pool.query('ANALYZE es_events');
}

async function main(): Promise<void> {
  const projection = new ReportingProjection();
  await withBenchInfrastructure(FSYNC, { projections: () => [projection] }, async (db, infra) => {
    const pool = new Pool({ connectionString: db.url, max: 1 });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM es_events');
    if (rows[0].n === 0) {
      const started = process.hrtime.bigint();
      const puskesmas = seededFacilities().filter((f) => f.kind === 'PUSKESMAS');
      for (const f of puskesmas)
        await infra.eventStore.appendToStream(`facility-${f.facilityId}`, [{ type: 'FacilityRegistered', data: { ...f, actorId: 'SEED' } }]);
      await seed(
        pool,
        puskesmas.map((f) => f.facilityId),
      );
      console.log(`seeded ${(await pool.query('SELECT count(*)::int AS n FROM es_events')).rows[0].n} events in ${seconds(started).toFixed(1)} s`);
    }
    await pool.end();

    let replayed = 0;
    const rebuildStarted = process.hrtime.bigint();
    await infra.runner.rebuild(projection, { batchSize: 2000, onBatch: ({ read }) => (replayed += read) });
    const rebuildSeconds = seconds(rebuildStarted);

    // Baseline: what a report without read models costs at the least: reading the whole log once.
    const bare = await bareRead(infra.eventStore, 2000);
    const baselineMs = bare.seconds * 1000;

    const now = new Date('2025-12-31T12:00:00Z');
    const json = await timed(21, () => semesterReport(infra.dataSource.manager, 2025, 1, now));
    const pdf = await timed(5, async () => renderSemesterReportPdf(await semesterReport(infra.dataSource.manager, 2025, 1, now)));

    console.log(`bench/report — ${db.settings}; ${replayed} events in the log, 21 Puskesmas, report for semester I 2025`);
    console.log(`projection rebuild (reporting):     ${(replayed / rebuildSeconds).toFixed(0)} events/s (${rebuildSeconds.toFixed(1)} s)`);
    console.log(`baseline, bare read of the log:     ${baselineMs.toFixed(0)} ms for ${bare.events} events`);
    console.log(
      `semester report as JSON (median/21): ${json.median.toFixed(1)} ms  (${(json.median / baselineMs).toFixed(4)}x the baseline; target <= 100 ms)`,
    );
    console.log(
      `semester report as PDF (median/5):   ${pdf.median.toFixed(1)} ms  (${(pdf.median / baselineMs).toFixed(4)}x the baseline; target <= 2000 ms), ${pdf.last.length} bytes`,
    );
    console.log(
      `figures: ${json.last.totals.total} accesses, accesses owing balikan ${json.last.balikan.accessesOwingBalikan} / with one delivered ${json.last.balikan.accessesWithBalikanDelivered}, ${json.last.refusals.reduce((s, r) => s + r.count, 0)} refusals`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
