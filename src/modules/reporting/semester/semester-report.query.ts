import type { EntityManager } from 'typeorm';
import { endOfWibDay, wibDay } from '../../../infrastructure/time/wib';
import { monthLabel, reasonLabel, OBLIGATIONS } from '../documents/labels';
import type { AccessCounts, BupatiSummary, EvaluationSummary, MonthRow, PuskesmasRow, Semester, SemesterReport } from '../documents/report-data';
import {
  addAccesses,
  balikanByFacility,
  currentAgreement,
  facilities,
  fingerprintOutcomes,
  kecamatanName,
  refusalsByReason,
  share,
  submissions,
  sumBalikan,
  utilisation,
  ZERO_ACCESSES,
  ZERO_BALIKAN,
} from '../read-models/report-figures';
import { latestCheckpoint } from '../../audit/audit-log.query';
import { semesterPeriod, semesterRomanOf, type SemesterPeriod } from './semester';

/**
 * The day the figures stand at: the earlier of today and the semester's last day, as the end of that WIB
 * day. It is also the documents' creation date, so the same figures on the same day give the same bytes,
 * and a closed semester's report is stable.
 */
export function asOfFor(period: SemesterPeriod, now: Date): Date {
  const today = wibDay(now);
  return endOfWibDay(today < period.to ? today : period.to);
}

export async function semesterReport(db: EntityManager, year: number, semester: Semester, now: Date): Promise<SemesterReport> {
  const period = semesterPeriod(year, semester);
  const asOf = asOfFor(period, now);
  const [places, rows, balikan, refusals, fingerprint, agreement, handedIn, checkpoint] = await Promise.all([
    facilities(db),
    utilisation(db, period.months),
    balikanByFacility(db, period.months),
    refusalsByReason(db, period.from, period.to),
    fingerprintOutcomes(db, period.months),
    currentAgreement(db, asOf),
    submissions(db, year, semester),
    latestCheckpoint(db),
  ]);

  const perFacility = new Map<string, AccessCounts>();
  const perMonth = new Map<string, AccessCounts>(period.months.map((m) => [m, ZERO_ACCESSES]));
  let totals = ZERO_ACCESSES;
  for (const row of rows) {
    perFacility.set(row.facilityId, addAccesses(perFacility.get(row.facilityId) ?? ZERO_ACCESSES, row));
    perMonth.set(row.month, addAccesses(perMonth.get(row.month) ?? ZERO_ACCESSES, row));
    totals = addAccesses(totals, row);
  }

  // Every Puskesmas appears, even with nothing to report; Dinkes itself only when it accessed data.
  const perPuskesmas: PuskesmasRow[] = places
    .filter((f) => f.kind === 'PUSKESMAS' || perFacility.has(f.facilityId) || balikan.has(f.facilityId))
    .map((f) => ({
      code: f.code,
      name: f.name,
      kecamatan: kecamatanName(f.kecamatanCode),
      accesses: perFacility.get(f.facilityId) ?? ZERO_ACCESSES,
      balikan: balikan.get(f.facilityId) ?? ZERO_BALIKAN,
    }));
  const months: MonthRow[] = period.months.map((month) => ({ month, label: monthLabel(month), accesses: perMonth.get(month)! }));
  const latest = handedIn[handedIn.length - 1];

  return {
    kind: 'SEMESTER_REPORT',
    year,
    semester,
    title: `LAPORAN PEMANFAATAN NIK, DATA KEPENDUDUKAN DAN KTP-EL SEMESTER ${semesterRomanOf(semester)} TAHUN ${year}`,
    periodFrom: period.from,
    periodTo: period.to,
    dueOn: period.dueOn,
    asOf: asOf.toISOString(),
    agreement: agreement?.summary ?? null,
    totals,
    balikan: sumBalikan([...balikan.values()]),
    outOfRegencyShare: share(totals.outOfRegency, totals.total),
    perPuskesmas,
    perMonth: months,
    refusals: refusals.map((r) => ({ ...r, label: reasonLabel(r.reason) })),
    fingerprint,
    submission: latest ? { submittedAt: latest.submittedAt, onTime: handedIn[0]!.onTime, sha256: latest.sha256, revision: latest.revision } : null,
    // The audit log's latest signed checkpoint, so a paper copy pins the log (read through the audit module's query).
    logCheckpoint: checkpoint ? { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash } : null,
    renderedOn: wibDay(now),
    // Placeholders of issue 16's contract: the true cut-off and the signatory register come next.
    cutOff: asOf.toISOString(),
    signatories: { dinkes: null, disdukcapil: null },
  };
}

export async function evaluations(db: EntityManager, filter: { year?: number; semester?: number } = {}): Promise<EvaluationSummary[]> {
  const rows: {
    evaluation_id: string;
    kind: 'PERIODIC' | 'AD_HOC';
    year: number | null;
    semester: number | null;
    findings: { obligation: string; finding: string; note?: string }[];
    recorded_at: Date;
  }[] = await db.query(
    `SELECT evaluation_id, kind, year, semester, findings, recorded_at FROM report_evaluations
       WHERE ($1::int IS NULL OR year = $1) AND ($2::int IS NULL OR semester = $2) ORDER BY recorded_at, evaluation_id`,
    [filter.year ?? null, filter.semester ?? null],
  );
  const label = (code: string) => OBLIGATIONS.find((o) => o.code === code)?.label ?? code;
  return rows.map((r) => ({
    evaluationId: r.evaluation_id,
    kind: r.kind,
    recordedAt: new Date(r.recorded_at).toISOString(),
    ...(r.year !== null ? { year: r.year, semester: r.semester as Semester } : {}),
    findings: r.findings.map((f) => ({ obligation: f.obligation, label: label(f.obligation), finding: f.finding as 'MET', note: f.note ?? null })),
  }));
}

/**
 * Pasal 9(4): what the Bupati is told of a semester. Evaluations of the semester, and ad-hoc ones recorded
 * during it, are included.
 */
export async function bupatiSummary(db: EntityManager, year: number, semester: Semester, now: Date): Promise<BupatiSummary> {
  const report = await semesterReport(db, year, semester, now);
  const period = semesterPeriod(year, semester);
  const agreement = await currentAgreement(db, new Date(report.asOf));
  const all = await evaluations(db);
  const inPeriod = all.filter((e) => {
    if (e.year !== undefined) return e.year === year && e.semester === semester;
    const day = wibDay(new Date(e.recordedAt));
    return day >= period.from && day <= period.to;
  });
  return {
    kind: 'BUPATI_SUMMARY',
    year,
    semester,
    title: `RINGKASAN PEMANFAATAN DATA KEPENDUDUKAN OLEH DINAS KESEHATAN SEMESTER ${semesterRomanOf(semester)} TAHUN ${year}`,
    periodFrom: report.periodFrom,
    periodTo: report.periodTo,
    asOf: report.asOf,
    agreement: report.agreement,
    daysLeft: agreement ? agreement.daysLeft : null,
    totals: report.totals,
    balikan: report.balikan,
    outOfRegencyShare: report.outOfRegencyShare,
    refusalsTotal: report.refusals.reduce((s, r) => s + r.count, 0),
    perPuskesmas: [...report.perPuskesmas].sort((a, b) => b.accesses.total - a.accesses.total || a.code.localeCompare(b.code)),
    report: { dueOn: report.dueOn, submission: report.submission },
    evaluations: inPeriod,
    logCheckpoint: report.logCheckpoint,
    renderedOn: report.renderedOn,
    cutOff: report.cutOff,
    signatories: report.signatories,
    letter: null,
  };
}
