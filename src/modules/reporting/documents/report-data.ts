/**
 * The figures the semester report and the Bupati summary are made of. Aggregates only: counts, shares,
 * institution codes and names, agreement numbers, opaque ids. The JSON answer, the PDF, the XLSX and the
 * CSV are all rendered from one of these objects, so they cannot disagree.
 */

import type { ObligationCode } from '../evaluations/evaluation.events';

export type Semester = 1 | 2;
export type Channel = 'WEB_PORTAL' | 'CARD_READER';
export type Finding = 'MET' | 'PARTIAL' | 'NOT_MET';

export interface AgreementSummary {
  readonly dukcapilNumber: string;
  readonly dinkesNumber: string;
  readonly signedOn: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly addenda: readonly string[];
  /** NOT_YET_VALID | ACTIVE | EXPIRED | TERMINATED, at the report's `asOf`. */
  readonly status: string;
  /** Signing, extensions and termination as both parties recorded them: who proposed, who confirmed, when. */
  readonly changes: readonly AgreementChangeSummary[];
}

export interface AgreementChangeSummary {
  readonly change: 'SIGN' | 'EXTEND' | 'TERMINATE';
  /** The change's own numbers and dates, e.g. "473.3/100/IX/2024, 2026-09-15". */
  readonly detail: string;
  readonly status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  /** Operator ids, or SEED (the 2022 agreement, signed by both parties that year) or UNRECORDED (before actors were recorded). */
  readonly proposedBy: string;
  readonly proposedAt: string | null;
  readonly confirmedBy: string | null;
  readonly confirmedAt: string | null;
  readonly rejectedBy: string | null;
  readonly rejectedAt: string | null;
}

/** Counts of one slice of accesses (a Puskesmas, a month, or the whole semester). */
export interface AccessCounts {
  readonly webPortal: number;
  readonly cardReader: number;
  readonly total: number;
  /** Found alive (FOUND). With `deceased`, the accesses that owe a balikan (`BalikanCounts.accessesOwingBalikan`). */
  readonly found: number;
  readonly deceased: number;
  readonly notFound: number;
  /** Registry refused, timed out or was unavailable. */
  readonly registryFailed: number;
  /** Card reads whose fingerprint did not match or was not performed. */
  readonly fingerprintFailed: number;
  readonly outOfRegency: number;
}

/**
 * The balikan obligation, counted per ACCESS (a lookup or a card read), never per balikan submission: an
 * access with three balikan counts once. Each name says what it counts.
 */
export interface BalikanCounts {
  /** Accesses that found the person, alive (FOUND) or recorded deceased (DECEASED): each owes a balikan. */
  readonly accessesOwingBalikan: number;
  /** Of those, accesses with at least one balikan submitted by the Puskesmas (whatever became of it). */
  readonly accessesWithBalikanSubmitted: number;
  /** Of those, accesses with at least one balikan delivered to Disdukcapil's data-balikan service. */
  readonly accessesWithBalikanDelivered: number;
  /** Of those, accesses whose every balikan was abandoned: none delivered, none still being tried. */
  readonly accessesWithBalikanOnlyAbandoned: number;
  /** accessesWithBalikanDelivered / accessesOwingBalikan, 0..1 (0 when no access owes one). */
  readonly deliveredShareOfOwing: number;
}

export interface PuskesmasRow {
  readonly code: string;
  readonly name: string;
  readonly kecamatan: string;
  readonly accesses: AccessCounts;
  readonly balikan: BalikanCounts;
}

export interface MonthRow {
  /** YYYY-MM (WIB). */
  readonly month: string;
  /** Bahasa Indonesia month name, e.g. "Januari". */
  readonly label: string;
  readonly accesses: AccessCounts;
}

export interface ReasonCount {
  readonly reason: string;
  /** Bahasa Indonesia description of the reason. */
  readonly label: string;
  readonly count: number;
}

export interface SubmissionSummary {
  readonly submittedAt: string;
  readonly onTime: boolean;
  readonly sha256: string;
  readonly revision: number;
}

export interface SemesterReport {
  readonly kind: 'SEMESTER_REPORT';
  readonly year: number;
  readonly semester: Semester;
  /** e.g. "LAPORAN PEMANFAATAN NIK, DATA KEPENDUDUKAN DAN KTP-EL SEMESTER I TAHUN 2025" */
  readonly title: string;
  /** First and last calendar day of the semester (WIB), YYYY-MM-DD. */
  readonly periodFrom: string;
  readonly periodTo: string;
  /** Pasal 9(1): 30 June or 31 December. */
  readonly dueOn: string;
  /** End of the WIB day the figures stand at (the earlier of today and the semester's last day), ISO: the agreement's status is stated at it. The documents are dated by `renderedOn`. */
  readonly asOf: string;
  readonly agreement: AgreementSummary | null;
  readonly totals: AccessCounts;
  readonly balikan: BalikanCounts;
  /** outOfRegency / total, 0..1. */
  readonly outOfRegencyShare: number;
  readonly perPuskesmas: readonly PuskesmasRow[];
  readonly perMonth: readonly MonthRow[];
  readonly refusals: readonly ReasonCount[];
  readonly fingerprint: { readonly matched: number; readonly notMatched: number; readonly notPerformed: number };
  readonly submission: SubmissionSummary | null;
  /** The signed checkpoint of the audit log at the cut-off, when one exists (printed so paper pins the log). */
  readonly logCheckpoint: LogCheckpointSummary | null;
  /** The WIB day the document is rendered, YYYY-MM-DD: the date beside the signature ("Karanganyar, …"). */
  readonly renderedOn: string;
  /** The true moment the figures stand at (ISO): when the last event they count was recorded; null when none was. */
  readonly cutOff: string | null;
  readonly signatories: Signatories;
}

/** Who signs for a party, as that party's administrator recorded it in the signatory register. */
export interface Signatory {
  readonly name: string;
  /** Nomor Induk Pegawai (18 digits), the civil servant's number: not a NIK. */
  readonly nip: string;
  /** Pangkat/golongan, e.g. "Pembina Utama Muda (IV/c)". */
  readonly rank: string;
  /** Jabatan, e.g. "Kepala Dinas Kesehatan Kabupaten Karanganyar". */
  readonly position: string;
}

/** The signatory of each party in force on the day a document is rendered (null: none recorded yet). */
export interface Signatories {
  readonly dinkes: Signatory | null;
  readonly disdukcapil: Signatory | null;
}

/** The audit log's signed checkpoint a document prints: it covers every event the figures counted. */
export interface LogCheckpointSummary {
  /** Events the checkpoint covers: the first treeSize events of the log, up to and including the cut-off's. */
  readonly treeSize: number;
  readonly rootHash: string;
  /** When it was signed, as the checkpoint states it (the cut-off for one signed for a document). */
  readonly signedAt: string;
  /** The signing key's id (first 16 hex digits of the SHA-256 of the public key). */
  readonly keyId: string;
}

/** The official letter (Tata Naskah Dinas) form of the Bupati summary, once Disdukcapil has issued it with its number. */
export interface BupatiLetter {
  /** Nomor surat, as entered when the letter was issued, e.g. "400.12/123/2026". */
  readonly number: string;
  /** The WIB day it was issued, YYYY-MM-DD. */
  readonly issuedOn: string;
}

export interface EvaluationSummary {
  readonly evaluationId: string;
  readonly kind: 'PERIODIC' | 'AD_HOC';
  /** The semester a periodic evaluation covers (absent for most ad-hoc ones). */
  readonly year?: number;
  readonly semester?: Semester;
  readonly recordedAt: string;
  readonly findings: readonly { readonly obligation: ObligationCode; readonly label: string; readonly finding: Finding; readonly note: string | null }[];
}

export interface BupatiSummary {
  readonly kind: 'BUPATI_SUMMARY';
  readonly year: number;
  readonly semester: Semester;
  /** e.g. "RINGKASAN PEMANFAATAN DATA KEPENDUDUKAN OLEH DINAS KESEHATAN SEMESTER I TAHUN 2025" */
  readonly title: string;
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly asOf: string;
  readonly agreement: AgreementSummary | null;
  readonly daysLeft: number | null;
  readonly totals: AccessCounts;
  readonly balikan: BalikanCounts;
  readonly outOfRegencyShare: number;
  readonly refusalsTotal: number;
  /** Puskesmas ranked by accesses, with their balikan coverage. */
  readonly perPuskesmas: readonly PuskesmasRow[];
  readonly report: { readonly dueOn: string; readonly submission: SubmissionSummary | null };
  readonly evaluations: readonly EvaluationSummary[];
  readonly logCheckpoint: LogCheckpointSummary | null;
  readonly renderedOn: string;
  readonly cutOff: string | null;
  readonly signatories: Signatories;
  /** Null until Disdukcapil issues the letter with its number: the document is then a draft. */
  readonly letter: BupatiLetter | null;
}
