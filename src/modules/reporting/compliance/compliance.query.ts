import type { EntityManager } from 'typeorm';
import { wibDay } from '../../../infrastructure/time/wib';
import { reasonLabel } from '../documents/labels';
import type { Semester } from '../documents/report-data';
import { currentAgreement, facilities, kecamatanName, share, submissions, type FacilityRow } from '../read-models/report-figures';
import { FIRST_REPORTABLE_YEAR, semesterOf, semesterPeriod } from '../semester/semester';
import { semesterReport } from '../semester/semester-report.query';
import { flagUnusualDays, HISTORY_WINDOW_DAYS, type FlaggedDay } from './unusual-activity';

/** Ages (days since the access) at which a missing balikan is counted, for the backlog of Pasal 3(2)(b). */
export const BACKLOG_BUCKETS = [
  { key: 'upTo7Days', maxDays: 7 },
  { key: 'upTo30Days', maxDays: 30 },
  { key: 'upTo90Days', maxDays: 90 },
  { key: 'over90Days', maxDays: Infinity },
] as const;
export type Backlog = Record<(typeof BACKLOG_BUCKETS)[number]['key'], number>;
const emptyBacklog = (): Backlog => ({ upTo7Days: 0, upTo30Days: 0, upTo90Days: 0, over90Days: 0 });

const place = (f: FacilityRow) => ({ facilityId: f.facilityId, code: f.code, name: f.name, kecamatan: kecamatanName(f.kecamatanCode) });

/** Accesses that found someone and have no delivered balikan yet, per Puskesmas and age. */
export async function balikanBacklog(db: EntityManager, now: Date) {
  const rows: { facility_id: string; age_days: number; n: string }[] = await db.query(
    `SELECT facility_id, floor(extract(epoch FROM ($1::timestamptz - occurred_at)) / 86400)::int AS age_days, count(*)::text AS n
     FROM report_accesses WHERE owes_balikan AND balikan_delivered = 0 GROUP BY 1, 2`,
    [now],
  );
  const byFacility = new Map<string, Backlog>();
  for (const r of rows) {
    const backlog = byFacility.get(r.facility_id) ?? emptyBacklog();
    const bucket = BACKLOG_BUCKETS.find((b) => r.age_days <= b.maxDays)!;
    backlog[bucket.key] += Number(r.n);
    byFacility.set(r.facility_id, backlog);
  }
  const places = await facilities(db);
  return places
    .filter((f) => f.kind === 'PUSKESMAS' || byFacility.has(f.facilityId))
    .map((f) => {
      const backlog = byFacility.get(f.facilityId) ?? emptyBacklog();
      return { ...place(f), backlog, total: Object.values(backlog).reduce((s, n) => s + n, 0) };
    });
}

export async function refusals(db: EntityManager, from: string, to: string) {
  const rows: { facility_id: string; reason: string; n: string }[] = await db.query(
    `SELECT facility_id, reason, sum(refusals)::text AS n FROM report_refusals WHERE day BETWEEN $1::date AND $2::date GROUP BY 1, 2 ORDER BY 1, 2`,
    [from, to],
  );
  const names = new Map((await facilities(db)).map((f) => [f.facilityId, f]));
  const byReason = new Map<string, number>();
  for (const r of rows) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + Number(r.n));
  return {
    from,
    to,
    byReason: [...byReason]
      .map(([reason, count]) => ({ reason, label: reasonLabel(reason), count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    byPuskesmas: rows.map((r) => {
      const f = names.get(r.facility_id);
      return { code: f?.code ?? null, name: f?.name ?? 'Tanpa fasilitas (sebelum masuk)', reason: r.reason, count: Number(r.n) };
    }),
  };
}

/** Operator-days in [from, to], each flagged by the rule of unusual-activity.ts; operators by opaque id only. */
export async function operatorActivity(db: EntityManager, from: string, to: string, dailyLimit: number, onlyUnusual: boolean) {
  const historyFrom = new Date(Date.parse(`${from}T00:00:00Z`) - HISTORY_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const rows: { operator_id: string; facility_id: string; day: string; accesses: string; refusals: string }[] = await db.query(
    `SELECT operator_id, facility_id, day::text, accesses::text, refusals::text FROM report_operator_daily
     WHERE day BETWEEN $1::date AND $2::date ORDER BY operator_id, day`,
    [historyFrom, to],
  );
  const names = new Map((await facilities(db)).map((f) => [f.facilityId, f]));
  const byOperator = new Map<string, typeof rows>();
  for (const r of rows) byOperator.set(r.operator_id, [...(byOperator.get(r.operator_id) ?? []), r]);
  const days: (FlaggedDay & { operatorId: string; puskesmas: string | null; refusals: number; unusual: boolean })[] = [];
  for (const [operatorId, own] of byOperator) {
    const refusalsOn = new Map(own.map((r) => [r.day, Number(r.refusals)]));
    const facilityOn = new Map(own.map((r) => [r.day, r.facility_id]));
    const perDay = new Map<string, number>();
    for (const r of own) perDay.set(r.day, (perDay.get(r.day) ?? 0) + Number(r.accesses));
    for (const flagged of flagUnusualDays(
      [...perDay].map(([day, accesses]) => ({ day, accesses })),
      dailyLimit,
    )) {
      if (flagged.day < from) continue;
      const unusual = flagged.reasons.length > 0;
      if (onlyUnusual && !unusual) continue;
      days.push({
        ...flagged,
        operatorId,
        puskesmas: names.get(facilityOn.get(flagged.day)!)?.code ?? null,
        refusals: refusalsOn.get(flagged.day) ?? 0,
        unusual,
      });
    }
  }
  return { from, to, rule: { dailyLimit, medianFactor: 3, minimumHistoryDays: 5, historyWindowDays: HISTORY_WINDOW_DAYS, minimumAccesses: 20 }, days };
}

/** Every reader with its reads by fingerprint outcome, over the given months (all time without). */
export async function cardReaders(db: EntityManager, months?: readonly string[]) {
  const readers: { reader_id: string; facility_id: string; registered_at: Date; retired_at: Date | null }[] = await db.query(
    `SELECT reader_id, facility_id, registered_at, retired_at FROM report_card_readers ORDER BY facility_id, registered_at`,
  );
  const reads: { reader_id: string; fingerprint: string; n: string }[] = await db.query(
    `SELECT reader_id, fingerprint, sum(reads)::text AS n FROM report_fingerprints WHERE ($1::text[] IS NULL OR month = ANY($1::text[])) GROUP BY 1, 2`,
    [months ?? null],
  );
  const names = new Map((await facilities(db)).map((f) => [f.facilityId, f]));
  return readers.map((r) => {
    const of = (fingerprint: string) => Number(reads.find((x) => x.reader_id === r.reader_id && x.fingerprint === fingerprint)?.n ?? 0);
    const f = names.get(r.facility_id);
    return {
      readerId: r.reader_id,
      puskesmas: f ? place(f) : null,
      inService: r.retired_at === null,
      registeredAt: new Date(r.registered_at).toISOString(),
      retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null,
      reads: { matched: of('MATCHED'), notMatched: of('NOT_MATCHED'), notPerformed: of('NOT_PERFORMED') },
    };
  });
}

export type ReportStatus = 'NOT_YET_DUE' | 'SUBMITTED_ON_TIME' | 'SUBMITTED_LATE' | 'OVERDUE';

/** Every semester from the agreement's first up to the current one, with its due date and what was handed in. */
export async function reportCalendar(db: EntityManager, now: Date) {
  const handedIn = await submissions(db);
  const current = semesterOf(now);
  const semesters: { year: number; semester: Semester }[] = [];
  for (let year = FIRST_REPORTABLE_YEAR; year <= current.year; year++) {
    for (const semester of [1, 2] as const) {
      if (year === FIRST_REPORTABLE_YEAR && semester === 1) continue; // signed in September 2022
      if (year === current.year && semester > current.semester) continue;
      semesters.push({ year, semester });
    }
  }
  return semesters.map(({ year, semester }) => {
    const period = semesterPeriod(year, semester);
    const own = handedIn.filter((s) => s.year === year && s.semester === semester);
    const first = own[0];
    const status: ReportStatus = first ? (first.onTime ? 'SUBMITTED_ON_TIME' : 'SUBMITTED_LATE') : wibDay(now) > period.dueOn ? 'OVERDUE' : 'NOT_YET_DUE';
    return {
      year,
      semester,
      dueOn: period.dueOn,
      status,
      submissions: own.map((s) => ({ revision: s.revision, submittedAt: s.submittedAt, onTime: s.onTime, sha256: s.sha256 })),
    };
  });
}

/**
 * Pasal 4(1)(a): the obligations of Pasal 3(2) (and the report of Pasal 9(1)) for one semester, overall and
 * per Puskesmas, from the same figures as the semester report.
 */
export async function obligations(db: EntityManager, year: number, semester: Semester, now: Date, dailyLimit: number) {
  const period = semesterPeriod(year, semester);
  const report = await semesterReport(db, year, semester, now);
  const until = report.periodTo < wibDay(now) ? report.periodTo : wibDay(now);
  const [backlog, refused, activity, readers, calendar, agreement] = await Promise.all([
    balikanBacklog(db, now),
    refusals(db, period.from, period.to),
    operatorActivity(db, period.from, until < period.from ? period.from : until, dailyLimit, true),
    cardReaders(db, period.months),
    reportCalendar(db, now),
    currentAgreement(db, now),
  ]);
  const networkRefusals = refused.byReason.find((r) => r.reason === 'NETWORK_NOT_ALLOWED')?.count ?? 0;
  const reportStatus = calendar.find((c) => c.year === year && c.semester === semester) ?? {
    dueOn: period.dueOn,
    status: 'NOT_YET_DUE' as ReportStatus,
    submissions: [],
  };
  const backlogOf = new Map(backlog.map((b) => [b.code, b]));
  const unusualOf = (code: string) => activity.days.filter((d) => d.puskesmas === code).length;
  const refusalsOf = (code: string) => refused.byPuskesmas.filter((r) => r.code === code).reduce((s, r) => s + r.count, 0);
  const codesOf = new Map((await facilities(db)).map((f) => [f.code, f.facilityId]));
  const readersOf = (code: string) => readers.filter((r) => r.puskesmas?.facilityId === codesOf.get(code));

  return {
    year,
    semester,
    periodFrom: period.from,
    periodTo: period.to,
    asOf: report.asOf,
    agreement: agreement ? { ...agreement.summary, daysLeft: agreement.daysLeft } : null,
    obligations: [
      { clause: 'Pasal 3(2)(b)', code: 'BALIKAN', figures: { ...report.balikan, backlog: sumBacklogs(backlog.map((b) => b.backlog)) } },
      {
        clause: 'Pasal 3(2)(c)',
        code: 'ACCOUNTABILITY',
        figures: { accesses: report.totals.total, refusals: refused.byReason.reduce((s, r) => s + r.count, 0), unusualOperatorDays: activity.days.length },
      },
      { clause: 'Pasal 3(2)(d)', code: 'CLOSED_NETWORK', figures: { networkRefusals } },
      { clause: 'Pasal 3(2)(e)', code: 'ALL_HOLDERS', figures: { outOfRegency: report.totals.outOfRegency, share: report.outOfRegencyShare } },
      {
        clause: 'Pasal 3(2)(f)',
        code: 'CARD_READERS',
        figures: {
          readersInService: readers.filter((r) => r.inService).length,
          readersRetired: readers.filter((r) => !r.inService).length,
          cardReads: report.totals.cardReader,
          fingerprint: report.fingerprint,
        },
      },
      { clause: 'Pasal 9(1)', code: 'SEMESTER_REPORT', figures: reportStatus },
    ],
    puskesmas: report.perPuskesmas.map((p) => {
      const own = readersOf(p.code);
      return {
        code: p.code,
        name: p.name,
        kecamatan: p.kecamatan,
        accesses: p.accesses.total,
        outOfRegency: p.accesses.outOfRegency,
        outOfRegencyShare: share(p.accesses.outOfRegency, p.accesses.total),
        balikan: p.balikan,
        backlog: backlogOf.get(p.code)?.backlog ?? emptyBacklog(),
        refusals: refusalsOf(p.code),
        unusualOperatorDays: unusualOf(p.code),
        cardReaders: {
          inService: own.filter((r) => r.inService).length,
          reads: p.accesses.cardReader,
          matched: own.reduce((s, r) => s + r.reads.matched, 0),
          notMatched: own.reduce((s, r) => s + r.reads.notMatched, 0),
          notPerformed: own.reduce((s, r) => s + r.reads.notPerformed, 0),
        },
      };
    }),
  };
}

function sumBacklogs(backlogs: readonly Backlog[]): Backlog {
  const total = emptyBacklog();
  for (const b of backlogs) for (const key of Object.keys(total) as (keyof Backlog)[]) total[key] += b[key];
  return total;
}
