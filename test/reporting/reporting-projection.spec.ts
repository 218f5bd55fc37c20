import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '../../src/infrastructure/database/data-source';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { wibDay } from '../../src/infrastructure/time/wib';
import { balikanByFacility } from '../../src/modules/reporting/read-models/report-figures';
import { ReportingProjection, NO_FACILITY } from '../../src/modules/reporting/read-models/reporting.projection';

/**
 * The reporting read models must hold exactly what the events say, however the log is cut into batches
 * (a rebuild reads it in other batches than the live run did). Each run uses fresh Puskesmas, operator and
 * reader ids, so its rows are its own on the database the other suites share.
 */

const OUTCOMES = ['FOUND', 'DECEASED', 'NOT_FOUND', 'REGISTRY_REFUSED', 'REGISTRY_TIMEOUT', 'REGISTRY_UNAVAILABLE', 'FINGERPRINT_NOT_MATCHED'] as const;
const SEMESTER_START = Date.parse('2025-01-01T00:00:00+07:00');
const SEMESTER_MS = Date.parse('2025-07-01T00:00:00+07:00') - SEMESTER_START;

interface World {
  facilities: string[];
  operators: string[];
  readers: string[];
}

type Step =
  | {
      kind: 'access';
      channel: 'WEB' | 'CARD';
      facility: number;
      operator: number;
      outcome: (typeof OUTCOMES)[number];
      origin: boolean;
      fingerprint: number;
      at: number;
    }
  | { kind: 'balikan'; access: number; fate: 'PENDING' | 'DELIVERED' | 'ABANDONED' }
  | { kind: 'denied'; facility: number; operator: number | null; reason: 'FACILITY_SCOPE' | 'RATE_LIMITED' | 'NETWORK_NOT_ALLOWED'; at: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('access' as const),
      channel: fc.constantFrom('WEB' as const, 'CARD' as const),
      facility: fc.nat(2),
      operator: fc.nat(3),
      outcome: fc.constantFrom(...OUTCOMES),
      origin: fc.boolean(),
      fingerprint: fc.nat(2),
      at: fc.integer({ min: 0, max: SEMESTER_MS - 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('balikan' as const),
      access: fc.nat(6),
      fate: fc.constantFrom('PENDING' as const, 'DELIVERED' as const, 'ABANDONED' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('denied' as const),
      facility: fc.nat(2),
      operator: fc.option(fc.nat(3)),
      reason: fc.constantFrom('FACILITY_SCOPE' as const, 'RATE_LIMITED' as const, 'NETWORK_NOT_ALLOWED' as const),
      at: fc.integer({ min: 0, max: SEMESTER_MS - 1 }),
    }),
  },
);

let position = 0n;
function recorded(type: string, data: Record<string, unknown>, at: Date): RecordedEvent {
  position++;
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId: `s-${position}`,
    revision: 0n,
    globalPosition: { commit: position, prepare: position },
    occurredAt: at,
    correlationId: null,
    causationId: null,
    data,
  };
}

/** Turns generated steps into a consistent log: a balikan only for an access that found someone, settled at most once. */
function history(world: World, steps: Step[]): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const accesses: { accessId: string; facilityId: string; at: Date }[] = [];
  for (const s of steps) {
    if (s.kind === 'access') {
      const accessId = randomUUID();
      const at = new Date(SEMESTER_START + s.at);
      const outcome = s.channel === 'WEB' && s.outcome === 'FINGERPRINT_NOT_MATCHED' ? 'NOT_FOUND' : s.outcome;
      const common = {
        accessId,
        facilityId: world.facilities[s.facility]!,
        operatorId: world.operators[s.operator]!,
        outcome,
        holderOrigin: s.origin ? 'OUT_OF_REGENCY' : 'IN_REGENCY',
      };
      if (s.channel === 'WEB') events.push(recorded('NikLookupPerformed', common, at));
      else
        events.push(
          recorded(
            'CardReadRecorded',
            {
              ...common,
              readerId: world.readers[s.facility]!,
              fingerprint: outcome === 'FINGERPRINT_NOT_MATCHED' ? 'NOT_MATCHED' : (['MATCHED', 'NOT_PERFORMED', 'MATCHED'] as const)[s.fingerprint]!,
            },
            at,
          ),
        );
      if (outcome === 'FOUND' || outcome === 'DECEASED') accesses.push({ accessId, facilityId: common.facilityId, at });
    } else if (s.kind === 'balikan') {
      const access = accesses[s.access % Math.max(1, accesses.length)];
      if (!access) continue;
      const balikanId = randomUUID();
      const later = new Date(access.at.getTime() + 1000);
      events.push(
        recorded(
          'BalikanSubmitted',
          { balikanId, accessId: access.accessId, facilityId: access.facilityId, operatorId: world.operators[0]!, kinds: ['BLOOD_TYPE'] },
          later,
        ),
      );
      if (s.fate === 'DELIVERED') events.push(recorded('BalikanDelivered', { balikanId, accessId: access.accessId, attempts: 1 }, later));
      if (s.fate === 'ABANDONED') events.push(recorded('BalikanAbandoned', { balikanId, accessId: access.accessId, attempts: 9 }, later));
    } else {
      const data: Record<string, unknown> = { denialId: randomUUID(), reason: s.reason, route: 'POST /v1/access/nik-lookups' };
      // Refusals before sign-in (no Puskesmas) land on a key all suites share; here every refusal names one.
      data.facilityId = world.facilities[s.facility];
      if (s.operator !== null) data.operatorId = world.operators[s.operator];
      events.push(recorded('AccessDenied', data, new Date(SEMESTER_START + s.at)));
    }
  }
  return events;
}

/** The figures, folded straight from the events: the specification the tables are held to. */
function expected(events: RecordedEvent[]) {
  const utilisation = new Map<string, number>();
  const refusals = new Map<string, number>();
  const operatorDays = new Map<string, number>();
  const fingerprints = new Map<string, number>();
  const accessOf = new Map<string, { facilityId: string; month: string; owes: boolean; pending: number; delivered: number; abandoned: number }>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const e of events) {
    const d = e.data as Record<string, string>;
    const day = wibDay(e.occurredAt);
    if (e.type === 'NikLookupPerformed' || e.type === 'CardReadRecorded') {
      const channel = e.type === 'NikLookupPerformed' ? 'WEB_PORTAL' : 'CARD_READER';
      bump(utilisation, [d.facilityId, day.slice(0, 7), channel, d.outcome, d.holderOrigin].join('|'));
      bump(operatorDays, [d.operatorId, day, d.facilityId, 'accesses'].join('|'));
      if (e.type === 'CardReadRecorded') bump(fingerprints, [d.facilityId, d.readerId, day.slice(0, 7), d.fingerprint].join('|'));
      accessOf.set(d.accessId!, {
        facilityId: d.facilityId!,
        month: day.slice(0, 7),
        owes: d.outcome === 'FOUND' || d.outcome === 'DECEASED',
        pending: 0,
        delivered: 0,
        abandoned: 0,
      });
    } else if (e.type === 'AccessDenied') {
      bump(refusals, [day, d.facilityId ?? NO_FACILITY, d.reason].join('|'));
      if (d.operatorId) bump(operatorDays, [d.operatorId, day, d.facilityId ?? NO_FACILITY, 'refusals'].join('|'));
    } else {
      const a = accessOf.get(d.accessId!)!;
      if (e.type === 'BalikanSubmitted') a.pending++;
      if (e.type === 'BalikanDelivered') {
        a.pending--;
        a.delivered++;
      }
      if (e.type === 'BalikanAbandoned') {
        a.pending--;
        a.abandoned++;
      }
    }
  }
  const balikan = new Map<string, number[]>();
  for (const a of accessOf.values()) {
    if (!a.owes) continue;
    const key = `${a.facilityId}|${a.month}`;
    const row = balikan.get(key) ?? [0, 0, 0, 0];
    row[0]! += 1;
    row[1]! += a.pending + a.delivered + a.abandoned > 0 ? 1 : 0;
    row[2]! += a.delivered > 0 ? 1 : 0;
    row[3]! += a.abandoned > 0 && a.delivered === 0 && a.pending === 0 ? 1 : 0;
    balikan.set(key, row);
  }
  return { utilisation, refusals, operatorDays, fingerprints, balikan: new Map([...balikan].map(([k, v]) => [k, v.join('|')])) };
}

async function tables(db: DataSource, world: World) {
  const ids = world.facilities;
  const rows = async (sql: string, params: unknown[]) => (await db.query(sql, params)) as Record<string, string>[];
  const asMap = (list: Record<string, string>[], key: (r: Record<string, string>) => string, value: (r: Record<string, string>) => number | string) =>
    new Map(list.map((r) => [key(r), value(r)]));
  const operatorDays = new Map<string, number>();
  for (const r of await rows(
    `SELECT operator_id, day::text, facility_id, accesses::int, refusals::int FROM report_operator_daily WHERE operator_id = ANY($1::uuid[])`,
    [world.operators],
  )) {
    for (const column of ['accesses', 'refusals'] as const)
      if (Number(r[column]) > 0) operatorDays.set([r.operator_id, r.day, r.facility_id, column].join('|'), Number(r[column]));
  }
  return {
    utilisation: asMap(
      await rows(`SELECT * FROM report_utilisation WHERE facility_id = ANY($1::uuid[])`, [ids]),
      (r) => [r.facility_id, r.month, r.channel, r.outcome, r.holder_origin].join('|'),
      (r) => Number(r.accesses),
    ),
    refusals: asMap(
      await rows(`SELECT day::text, facility_id, reason, refusals FROM report_refusals WHERE facility_id = ANY($1::uuid[])`, [ids]),
      (r) => [r.day, r.facility_id, r.reason].join('|'),
      (r) => Number(r.refusals),
    ),
    operatorDays,
    fingerprints: asMap(
      await rows(`SELECT * FROM report_fingerprints WHERE facility_id = ANY($1::uuid[])`, [ids]),
      (r) => [r.facility_id, r.reader_id, r.month, r.fingerprint].join('|'),
      (r) => Number(r.reads),
    ),
    balikan: asMap(
      await rows(`SELECT * FROM report_balikan_monthly WHERE facility_id = ANY($1::uuid[]) AND owed > 0`, [ids]),
      (r) => `${r.facility_id}|${r.month}`,
      (r) => [r.owed, r.submitted, r.delivered, r.abandoned].map(Number).join('|'),
    ),
  };
}

async function forget(db: DataSource, world: World) {
  for (const table of ['report_utilisation', 'report_refusals', 'report_fingerprints', 'report_balikan_monthly', 'report_accesses']) {
    await db.query(`DELETE FROM ${table} WHERE facility_id = ANY($1::uuid[])`, [world.facilities]);
  }
  await db.query(`DELETE FROM report_operator_daily WHERE operator_id = ANY($1::uuid[])`, [world.operators]);
}

async function project(db: DataSource, events: RecordedEvent[], cuts: number[]) {
  const projection = new ReportingProjection();
  const handled = events.filter((e) => projection.handles.includes(e.type));
  const bounds = [...new Set([0, ...cuts.map((c) => c % (handled.length + 1)), handled.length])].sort((a, b) => a - b);
  for (let i = 1; i < bounds.length; i++) {
    await db.transaction((tx) => projection.apply(handled.slice(bounds[i - 1], bounds[i]), tx));
  }
}

const storages: [string, string | undefined][] = [['embedded PGlite', process.env.TEST_EMBEDDED_URL]];
if (process.env.DATABASE_URL) storages.push(['PostgreSQL server', process.env.DATABASE_URL]);

describe.each(storages)('The reporting read models on %s', (_name, url) => {
  let db: DataSource;

  beforeAll(async () => {
    db = createDataSource(url!);
    await db.initialize();
    await migrate(db);
  });
  afterAll(() => db.destroy());

  it('hold exactly the figures the events give, whichever way the log is cut into batches (as a rebuild reads it)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(200), { maxLength: 6 }),
        fc.array(fc.nat(200), { maxLength: 6 }),
        async (steps, live, rebuild) => {
          const world: World = {
            facilities: [randomUUID(), randomUUID(), randomUUID()],
            operators: [randomUUID(), randomUUID(), randomUUID(), randomUUID()],
            readers: [randomUUID(), randomUUID(), randomUUID()],
          };
          const events = history(world, steps);
          const want = expected(events);
          try {
            await project(db, events, live);
            expect(await tables(db, world)).toEqual(want);
            await forget(db, world);
            await project(db, events, rebuild);
            expect(await tables(db, world)).toEqual(want);
          } finally {
            await forget(db, world);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('give the balikan figures per access, as their names say: an access given three balikan counts once, NOT_FOUND owes none', async () => {
    const world: World = { facilities: [randomUUID()], operators: [randomUUID()], readers: [] };
    const [facilityId] = world.facilities as [string];
    const at = new Date('2025-03-10T09:00:00+07:00');
    const events: RecordedEvent[] = [];
    const access = (outcome: string) => {
      const accessId = randomUUID();
      events.push(recorded('NikLookupPerformed', { accessId, facilityId, operatorId: world.operators[0], outcome, holderOrigin: 'IN_REGENCY' }, at));
      return accessId;
    };
    const balikan = (accessId: string, fate: 'PENDING' | 'DELIVERED' | 'ABANDONED') => {
      const balikanId = randomUUID();
      const data = { balikanId, accessId, facilityId, operatorId: world.operators[0], kinds: ['BLOOD_TYPE'] };
      events.push(recorded('BalikanSubmitted', data, at));
      if (fate === 'DELIVERED') events.push(recorded('BalikanDelivered', { balikanId, accessId, attempts: 1 }, at));
      if (fate === 'ABANDONED') events.push(recorded('BalikanAbandoned', { balikanId, accessId, attempts: 9 }, at));
    };
    const threeGiven = access('FOUND'); // three balikan: one delivered, one abandoned, one still being tried
    balikan(threeGiven, 'DELIVERED');
    balikan(threeGiven, 'ABANDONED');
    balikan(threeGiven, 'PENDING');
    const deceasedGivenUp = access('DECEASED'); // its only balikan abandoned
    balikan(deceasedGivenUp, 'ABANDONED');
    const deceasedDelivered = access('DECEASED');
    balikan(deceasedDelivered, 'DELIVERED');
    const foundWaiting = access('FOUND'); // one still being tried: submitted, neither delivered nor given up
    balikan(foundWaiting, 'PENDING');
    access('FOUND'); // owes one, none given
    access('NOT_FOUND'); // owes none
    access('NOT_FOUND');
    access('REGISTRY_TIMEOUT'); // owes none
    try {
      await project(db, events, [3, 9]);
      const figures = (await balikanByFacility(db.manager, ['2025-03'])).get(facilityId);
      expect(figures).toEqual({
        accessesOwingBalikan: 5, // 3 FOUND + 2 DECEASED; the NOT_FOUND and the failed access owe none
        accessesWithBalikanSubmitted: 4, // 6 balikan were submitted, for 4 accesses
        accessesWithBalikanDelivered: 2,
        accessesWithBalikanOnlyAbandoned: 1, // not threeGiven: one of its balikan arrived
        deliveredShareOfOwing: 2 / 5,
      });
    } finally {
      await forget(db, world);
    }
  });

  it('count every refusal of a caller outside the closed network from the per-minute counts, on the day of its minute (WIB)', async () => {
    // A day of 1990 no other suite writes to; its refusals sit on the shared "no Puskesmas" key.
    const day = new Date(Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000);
    const dayText = wibDay(day);
    const minute = (m: number) => new Date(Date.parse(`${dayText}T00:00:00+07:00`) + m * 60_000);
    const counted = (count: number, from: Date) =>
      recorded(
        'NetworkRefusalsCounted',
        {
          tallyId: randomUUID(),
          sourceNetwork: '192.0.2.0/24',
          from: from.toISOString(),
          until: new Date(from.getTime() + 60_000).toISOString(),
          count,
          routes: [{ route: 'GET /v1/agreements', count }],
        },
        new Date(from.getTime() + 61_000),
      );
    const events = [
      counted(140, minute(0)),
      counted(360, minute(1)),
      // The last minute of the day, written just after midnight: it counts on its own day.
      counted(7, minute(24 * 60 - 1)),
      recorded('AccessDenied', { denialId: randomUUID(), reason: 'NETWORK_NOT_ALLOWED', route: 'GET /v1/agreements' }, minute(2)),
    ];
    const rows = async () =>
      (await db.query(`SELECT reason, refusals::int AS n FROM report_refusals WHERE day = $1::date AND facility_id = $2`, [dayText, NO_FACILITY])) as {
        reason: string;
        n: number;
      }[];
    try {
      await project(db, events, [1, 2]);
      expect(await rows()).toEqual([{ reason: 'NETWORK_NOT_ALLOWED', n: 508 }]);
    } finally {
      await db.query(`DELETE FROM report_refusals WHERE day = $1::date AND facility_id = $2`, [dayText, NO_FACILITY]);
    }
  });

  it('count a balikan given up on only when nothing else was sent for that access', async () => {
    const world: World = { facilities: [randomUUID()], operators: [randomUUID()], readers: [randomUUID()] };
    const at = new Date('2025-03-10T03:00:00Z');
    const accessId = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    const events = [
      recorded(
        'NikLookupPerformed',
        { accessId, facilityId: world.facilities[0], operatorId: world.operators[0], outcome: 'FOUND', holderOrigin: 'IN_REGENCY' },
        at,
      ),
      recorded('BalikanSubmitted', { balikanId: first, accessId, facilityId: world.facilities[0], operatorId: world.operators[0], kinds: ['BLOOD_TYPE'] }, at),
      recorded('BalikanAbandoned', { balikanId: first, accessId, attempts: 30 }, at),
    ];
    try {
      await project(db, events, []);
      expect((await tables(db, world)).balikan.get(`${world.facilities[0]}|2025-03`)).toBe('1|1|0|1');
      // The clerk sends it again: while that one is on its way, the access is not given up on.
      await project(
        db,
        [
          recorded(
            'BalikanSubmitted',
            { balikanId: second, accessId, facilityId: world.facilities[0], operatorId: world.operators[0], kinds: ['BLOOD_TYPE'] },
            at,
          ),
        ],
        [],
      );
      expect((await tables(db, world)).balikan.get(`${world.facilities[0]}|2025-03`)).toBe('1|1|0|0');
      // And this time it arrives: the access is covered.
      await project(db, [recorded('BalikanDelivered', { balikanId: second, accessId, attempts: 1 }, at)], []);
      expect((await tables(db, world)).balikan.get(`${world.facilities[0]}|2025-03`)).toBe('1|1|1|0');
    } finally {
      await forget(db, world);
    }
  });
});
