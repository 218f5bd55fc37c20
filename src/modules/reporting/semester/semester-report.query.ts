import type { ObligationCode } from '../evaluations/evaluation.events';
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
import { firstCheckpointCovering } from '../../audit/audit-log.query';
import type { AuditSigner } from '../../audit/audit-signer';
import type { Checkpoint } from '../../audit/checkpoint';
import { checkpointAtEvent } from '../../audit/notary.projection';
import { Refusal } from '../../../infrastructure/refusal';
import { signatoriesOn } from '../signatories/signatories.queries';
import { semesterPeriod, semesterRomanOf, type SemesterPeriod } from './semester';

/**
 * How a document pins the audit log. With a signer, a checkpoint is signed at the cut-off when none exists
 * there (waiting up to `notaryWaitMs` for the notary to log the cut-off's event, else 503 REPORT_NOT_CURRENT);
 * without one (a compliance view's figures), the smallest checkpoint already covering the cut-off, if any.
 */
export interface CheckpointOptions {
  readonly signer?: AuditSigner;
  readonly notaryWaitMs?: number;
}

/** The notary trails the log by one batch (well under a second); past this, the answer is 503 REPORT_NOT_CURRENT. */
export const NOTARY_WAIT_MS = 5000;
const NOTARY_POLL_MS = 50;

/** The last event the reporting read model counted, as stored with the figures (read in the same snapshot). */
async function cutOffOf(db: EntityManager): Promise<{ eventId: string; at: Date } | null> {
  const rows: { event_id: string; recorded_at: Date }[] = await db.query(`SELECT event_id, recorded_at FROM report_cut_off WHERE id = 1`);
  return rows[0] ? { eventId: rows[0].event_id, at: new Date(rows[0].recorded_at) } : null;
}

/** The signed checkpoint covering every event up to the cut-off (see CheckpointOptions). */
async function checkpointAtCutOff(db: EntityManager, cutOff: { eventId: string; at: Date } | null, options: CheckpointOptions): Promise<Checkpoint | null> {
  if (!cutOff) return null;
  if (!options.signer) {
    const [leaf]: { leaf_index: string }[] = await db.query(`SELECT leaf_index::text FROM audit_leaves WHERE event_id = $1`, [cutOff.eventId]);
    return leaf ? firstCheckpointCovering(db, Number(leaf.leaf_index)) : null;
  }
  const deadline = Date.now() + (options.notaryWaitMs ?? NOTARY_WAIT_MS);
  for (;;) {
    const signed = await checkpointAtEvent(db, options.signer(), cutOff.eventId, cutOff.at);
    if (signed) return signed;
    if (Date.now() >= deadline) {
      throw new Refusal(503, 'REPORT_NOT_CURRENT', 'The audit log has not yet logged the last event the figures count; try again in a minute.', {
        retryAfter: 5,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, NOTARY_POLL_MS));
  }
}

/**
 * The day the figures stand at: the earlier of today and the semester's last day, as the end of that WIB
 * day. It is also the documents' creation date, so the same figures on the same day give the same bytes,
 * and a closed semester's report is stable.
 */
export function asOfFor(period: SemesterPeriod, now: Date): Date {
  const today = wibDay(now);
  return endOfWibDay(today < period.to ? today : period.to);
}

/**
 * The semester report: its figures, their cut-off and the signatories read in one snapshot of the reporting
 * read model (REPEATABLE READ), then the audit log's checkpoint at that cut-off.
 */
export async function semesterReport(db: EntityManager, year: number, semester: Semester, now: Date, options: CheckpointOptions = {}): Promise<SemesterReport> {
  const { report, cutOff } = await db.transaction('REPEATABLE READ', (tx) => readSemesterReport(tx, year, semester, now));
  return withCheckpoint(report, await checkpointAtCutOff(db, cutOff, options));
}

const withCheckpoint = <T extends SemesterReport | BupatiSummary>(document: T, checkpoint: Checkpoint | null): T => ({
  ...document,
  logCheckpoint: checkpoint ? { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, signedAt: checkpoint.signedAt, keyId: checkpoint.keyId } : null,
});

async function readSemesterReport(db: EntityManager, year: number, semester: Semester, now: Date) {
  const period = semesterPeriod(year, semester);
  const asOf = asOfFor(period, now);
  const renderedOn = wibDay(now);
  // One after the other: inside one transaction (one connection), and the embedded database serves one query at a time anyway.
  const places = await facilities(db);
  const rows = await utilisation(db, period.months);
  const balikan = await balikanByFacility(db, period.months);
  const refusals = await refusalsByReason(db, period.from, period.to);
  const fingerprint = await fingerprintOutcomes(db, period.months);
  const agreement = await currentAgreement(db, asOf);
  const handedIn = await submissions(db, year, semester);
  const cutOff = await cutOffOf(db);
  const signatories = await signatoriesOn(db, renderedOn);

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

  const report: SemesterReport = {
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
    // Filled after the snapshot: the checkpoint at the cut-off (see semesterReport).
    logCheckpoint: null,
    renderedOn,
    cutOff: cutOff ? cutOff.at.toISOString() : null,
    signatories,
  };
  return { report, cutOff };
}

export async function evaluations(db: EntityManager, filter: { year?: number; semester?: number } = {}): Promise<EvaluationSummary[]> {
  const rows: {
    evaluation_id: string;
    kind: 'PERIODIC' | 'AD_HOC';
    year: number | null;
    semester: number | null;
    findings: { obligation: ObligationCode; finding: string; note?: string }[];
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
export async function bupatiSummary(db: EntityManager, year: number, semester: Semester, now: Date, options: CheckpointOptions = {}): Promise<BupatiSummary> {
  const { summary, cutOff } = await db.transaction('REPEATABLE READ', (tx) => readBupatiSummary(tx, year, semester, now));
  return withCheckpoint(summary, await checkpointAtCutOff(db, cutOff, options));
}

async function readBupatiSummary(db: EntityManager, year: number, semester: Semester, now: Date) {
  const { report, cutOff } = await readSemesterReport(db, year, semester, now);
  const period = semesterPeriod(year, semester);
  const agreement = await currentAgreement(db, new Date(report.asOf));
  const all = await evaluations(db);
  const inPeriod = all.filter((e) => {
    if (e.year !== undefined) return e.year === year && e.semester === semester;
    const day = wibDay(new Date(e.recordedAt));
    return day >= period.from && day <= period.to;
  });
  const letters: { number: string; issued_at: Date }[] = await db.query(
    `SELECT number, issued_at FROM report_bupati_letters WHERE year = $1 AND semester = $2`,
    [year, semester],
  );
  const summary: BupatiSummary = {
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
    letter: letters[0] ? { number: letters[0].number, issuedOn: wibDay(new Date(letters[0].issued_at)) } : null,
  };
  return { summary, cutOff };
}
