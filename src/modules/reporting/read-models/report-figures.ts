import type { EntityManager } from 'typeorm';
import { agreementStatus } from '../../access/agreements/agreement';
import regency from '../../../reference/karanganyar.json';
import type { AccessCounts, AgreementChangeSummary, AgreementSummary, BalikanCounts, SubmissionSummary } from '../documents/report-data';

/** Figures shared by the semester report, the Bupati summary and the compliance views, read from the reporting tables. */

const KECAMATAN = new Map(regency.districts.map((d) => [d.code, d.name]));
export const kecamatanName = (code: string) => KECAMATAN.get(code) ?? code;

export interface FacilityRow {
  readonly facilityId: string;
  readonly kind: string;
  readonly code: string;
  readonly name: string;
  readonly kecamatanCode: string;
}

export const ZERO_ACCESSES: AccessCounts = {
  webPortal: 0,
  cardReader: 0,
  total: 0,
  found: 0,
  deceased: 0,
  notFound: 0,
  registryFailed: 0,
  fingerprintFailed: 0,
  outOfRegency: 0,
};
export const ZERO_BALIKAN: BalikanCounts = {
  accessesOwingBalikan: 0,
  accessesWithBalikanSubmitted: 0,
  accessesWithBalikanDelivered: 0,
  accessesWithBalikanOnlyAbandoned: 0,
  deliveredShareOfOwing: 0,
};

const REGISTRY_FAILED = new Set(['REGISTRY_REFUSED', 'REGISTRY_TIMEOUT', 'REGISTRY_UNAVAILABLE']);
const FINGERPRINT_FAILED = new Set(['FINGERPRINT_NOT_MATCHED', 'FINGERPRINT_NOT_PERFORMED']);

/** One utilisation row (a sum of accesses with these attributes). */
export interface UtilisationRow {
  readonly facilityId: string;
  readonly month: string;
  readonly channel: string;
  readonly outcome: string;
  readonly holderOrigin: string;
  readonly accesses: number;
}

/** Adds a utilisation row to access counts: the one place outcomes are sorted into the report's columns. */
export function addAccesses(counts: AccessCounts, row: Omit<UtilisationRow, 'facilityId' | 'month'>): AccessCounts {
  const n = row.accesses;
  return {
    webPortal: counts.webPortal + (row.channel === 'WEB_PORTAL' ? n : 0),
    cardReader: counts.cardReader + (row.channel === 'CARD_READER' ? n : 0),
    total: counts.total + n,
    found: counts.found + (row.outcome === 'FOUND' ? n : 0),
    deceased: counts.deceased + (row.outcome === 'DECEASED' ? n : 0),
    notFound: counts.notFound + (row.outcome === 'NOT_FOUND' ? n : 0),
    registryFailed: counts.registryFailed + (REGISTRY_FAILED.has(row.outcome) ? n : 0),
    fingerprintFailed: counts.fingerprintFailed + (FINGERPRINT_FAILED.has(row.outcome) ? n : 0),
    outOfRegency: counts.outOfRegency + (row.holderOrigin === 'OUT_OF_REGENCY' ? n : 0),
  };
}

/** The read model's per-access columns (owed, submitted, delivered, abandoned) under the answer's names. */
export interface BalikanColumns {
  readonly owed: number;
  readonly submitted: number;
  readonly delivered: number;
  readonly abandoned: number;
}

export function balikanCounts(c: BalikanColumns): BalikanCounts {
  return {
    accessesOwingBalikan: c.owed,
    accessesWithBalikanSubmitted: c.submitted,
    accessesWithBalikanDelivered: c.delivered,
    accessesWithBalikanOnlyAbandoned: c.abandoned,
    deliveredShareOfOwing: c.owed === 0 ? 0 : c.delivered / c.owed,
  };
}

export function sumBalikan(rows: readonly BalikanCounts[]): BalikanCounts {
  const sum = (k: Exclude<keyof BalikanCounts, 'deliveredShareOfOwing'>) => rows.reduce((s, r) => s + r[k], 0);
  return balikanCounts({
    owed: sum('accessesOwingBalikan'),
    submitted: sum('accessesWithBalikanSubmitted'),
    delivered: sum('accessesWithBalikanDelivered'),
    abandoned: sum('accessesWithBalikanOnlyAbandoned'),
  });
}

export const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export async function facilities(db: EntityManager): Promise<FacilityRow[]> {
  const rows: { facility_id: string; kind: string; code: string; name: string; kecamatan_code: string }[] = await db.query(
    `SELECT facility_id, kind, code, name, kecamatan_code FROM report_facilities ORDER BY kind DESC, code`,
  );
  return rows.map((r) => ({ facilityId: r.facility_id, kind: r.kind, code: r.code, name: r.name, kecamatanCode: r.kecamatan_code }));
}

export async function utilisation(db: EntityManager, months: readonly string[]): Promise<UtilisationRow[]> {
  const rows: { facility_id: string; month: string; channel: string; outcome: string; holder_origin: string; accesses: string }[] = await db.query(
    `SELECT facility_id, month, channel, outcome, holder_origin, accesses::text FROM report_utilisation WHERE month = ANY($1::text[])`,
    [months],
  );
  return rows.map((r) => ({
    facilityId: r.facility_id,
    month: r.month,
    channel: r.channel,
    outcome: r.outcome,
    holderOrigin: r.holder_origin,
    accesses: Number(r.accesses),
  }));
}

/** Balikan counts per Puskesmas for accesses made in these months. */
export async function balikanByFacility(db: EntityManager, months: readonly string[]): Promise<Map<string, BalikanCounts>> {
  const rows: { facility_id: string; owed: string; submitted: string; delivered: string; abandoned: string }[] = await db.query(
    `SELECT facility_id, sum(owed)::text AS owed, sum(submitted)::text AS submitted, sum(delivered)::text AS delivered, sum(abandoned)::text AS abandoned
     FROM report_balikan_monthly WHERE month = ANY($1::text[]) GROUP BY facility_id`,
    [months],
  );
  return new Map(
    rows.map((r) => [
      r.facility_id,
      balikanCounts({ owed: Number(r.owed), submitted: Number(r.submitted), delivered: Number(r.delivered), abandoned: Number(r.abandoned) }),
    ]),
  );
}

export async function refusalsByReason(db: EntityManager, from: string, to: string): Promise<{ reason: string; count: number }[]> {
  const rows: { reason: string; n: string }[] = await db.query(
    `SELECT reason, sum(refusals)::text AS n FROM report_refusals WHERE day BETWEEN $1::date AND $2::date GROUP BY reason ORDER BY sum(refusals) DESC, reason`,
    [from, to],
  );
  return rows.map((r) => ({ reason: r.reason, count: Number(r.n) }));
}

export async function fingerprintOutcomes(db: EntityManager, months: readonly string[]) {
  const rows: { fingerprint: string; n: string }[] = await db.query(
    `SELECT fingerprint, sum(reads)::text AS n FROM report_fingerprints WHERE month = ANY($1::text[]) GROUP BY fingerprint`,
    [months],
  );
  const of = (f: string) => Number(rows.find((r) => r.fingerprint === f)?.n ?? 0);
  return { matched: of('MATCHED'), notMatched: of('NOT_MATCHED'), notPerformed: of('NOT_PERFORMED') };
}

/** The agreement in the register most recently signed, with its status at an instant. */
export async function currentAgreement(db: EntityManager, at: Date): Promise<{ summary: AgreementSummary; daysLeft: number } | null> {
  const rows: {
    agreement_id: string;
    dukcapil_number: string;
    dinkes_number: string;
    signed_on: string;
    valid_from: string;
    valid_until: string;
    addenda: string[];
    termination_reason: string | null;
    terminated_on: string | null;
  }[] = await db.query(
    `SELECT agreement_id, dukcapil_number, dinkes_number, signed_on::text, valid_from::text, valid_until::text, addenda, termination_reason, terminated_on::text
     FROM report_agreements ORDER BY signed_on DESC, signed_at DESC LIMIT 1`,
  );
  const r = rows[0];
  if (!r) return null;
  const { status, daysLeft } = agreementStatus(
    {
      agreementId: r.agreement_id,
      dukcapilNumber: r.dukcapil_number,
      dinkesNumber: r.dinkes_number,
      signedOn: r.signed_on,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      grantedFields: [],
      addenda: [],
      termination: r.terminated_on ? { reason: r.termination_reason as never, effectiveOn: r.terminated_on } : null,
    },
    at,
  );
  const changes: Record<string, string | Date | null>[] = await db.query(
    `SELECT change, detail, status, proposed_by, proposed_at, confirmed_by, confirmed_at, rejected_by, rejected_at FROM report_agreement_changes WHERE agreement_id = $1 ORDER BY seq`,
    [r.agreement_id],
  );
  const iso = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);
  return {
    summary: {
      dukcapilNumber: r.dukcapil_number,
      dinkesNumber: r.dinkes_number,
      signedOn: r.signed_on,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      addenda: r.addenda,
      status,
      changes: changes.map((c) => ({
        change: c.change as AgreementChangeSummary['change'],
        detail: c.detail as string,
        status: c.status as AgreementChangeSummary['status'],
        proposedBy: c.proposed_by as string,
        proposedAt: iso(c.proposed_at),
        confirmedBy: (c.confirmed_by as string | null) ?? null,
        confirmedAt: iso(c.confirmed_at),
        rejectedBy: (c.rejected_by as string | null) ?? null,
        rejectedAt: iso(c.rejected_at),
      })),
    },
    daysLeft,
  };
}

export interface SubmissionRow extends SubmissionSummary {
  readonly year: number;
  readonly semester: 1 | 2;
  readonly dueOn: string;
}

export async function submissions(db: EntityManager, year?: number, semester?: number): Promise<SubmissionRow[]> {
  const rows: { year: number; semester: 1 | 2; revision: number; pdf_sha256: string; submitted_at: Date; due_on: string; on_time: boolean }[] = await db.query(
    `SELECT year, semester, revision, pdf_sha256, submitted_at, due_on::text, on_time FROM report_submissions
     WHERE ($1::int IS NULL OR year = $1) AND ($2::int IS NULL OR semester = $2) ORDER BY year, semester, revision`,
    [year ?? null, semester ?? null],
  );
  return rows.map((r) => ({
    year: r.year,
    semester: r.semester,
    revision: r.revision,
    sha256: r.pdf_sha256,
    submittedAt: new Date(r.submitted_at).toISOString(),
    dueOn: r.due_on,
    onTime: r.on_time,
  }));
}
