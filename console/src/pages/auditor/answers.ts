/**
 * Answers of the compliance, evaluation and Bupati-summary routes as the console reads them, written from
 * src/modules/reporting/compliance/compliance.query.ts, semester/semester-report.query.ts and
 * documents/report-data.ts (the OpenAPI document names these answers in prose only).
 */
import type { AccessCounts, BalikanCounts } from '../shared/answers';
export type { AccessCounts, BalikanCounts };

export type Finding = 'MET' | 'PARTIAL' | 'NOT_MET';
export type ReportStatus = 'NOT_YET_DUE' | 'SUBMITTED_ON_TIME' | 'SUBMITTED_LATE' | 'OVERDUE';

export interface Backlog {
  upTo7Days: number;
  upTo30Days: number;
  upTo90Days: number;
  over90Days: number;
}

export interface Submission {
  revision: number;
  submittedAt: string;
  onTime: boolean;
  sha256: string;
}

export interface Obligations {
  year: number;
  semester: 1 | 2;
  periodFrom: string;
  periodTo: string;
  asOf: string;
  agreement: { status: string; validUntil: string; daysLeft: number; dukcapilNumber: string; dinkesNumber: string } | null;
  obligations: (
    | { clause: string; code: 'BALIKAN'; figures: BalikanCounts & { backlog: Backlog } }
    | { clause: string; code: 'ACCOUNTABILITY'; figures: { accesses: number; refusals: number; unusualOperatorDays: number } }
    | { clause: string; code: 'CLOSED_NETWORK'; figures: { networkRefusals: number } }
    | { clause: string; code: 'ALL_HOLDERS'; figures: { outOfRegency: number; share: number } }
    | {
        clause: string;
        code: 'CARD_READERS';
        figures: {
          readersInService: number;
          readersRetired: number;
          cardReads: number;
          fingerprint: { matched: number; notMatched: number; notPerformed: number };
        };
      }
    | { clause: string; code: 'SEMESTER_REPORT'; figures: { dueOn: string; status: ReportStatus; submissions: Submission[] } }
  )[];
  puskesmas: {
    code: string;
    name: string;
    kecamatan: string;
    accesses: number;
    outOfRegency: number;
    outOfRegencyShare: number;
    balikan: BalikanCounts;
    backlog: Backlog;
    refusals: number;
    unusualOperatorDays: number;
    cardReaders: { inService: number; reads: number; matched: number; notMatched: number; notPerformed: number };
  }[];
}

export interface BacklogRow {
  facilityId: string;
  code: string;
  name: string;
  kecamatan: string;
  backlog: Backlog;
  total: number;
}

export interface Refusals {
  from: string;
  to: string;
  byReason: { reason: string; label: string; count: number }[];
  byPuskesmas: { code: string | null; name: string; reason: string; count: number }[];
}

export interface OperatorActivity {
  from: string;
  to: string;
  rule: { dailyLimit: number; medianFactor: number; minimumHistoryDays: number; historyWindowDays: number; minimumAccesses: number };
  days: {
    operatorId: string;
    puskesmas: string | null;
    day: string;
    accesses: number;
    refusals: number;
    median: number | null;
    reasons: ('ABOVE_DAILY_LIMIT' | 'FAR_ABOVE_OWN_MEDIAN')[];
    unusual: boolean;
  }[];
}

export interface CardReader {
  readerId: string;
  puskesmas: { facilityId: string; code: string; name: string; kecamatan: string } | null;
  inService: boolean;
  registeredAt: string;
  retiredAt: string | null;
  reads: { matched: number; notMatched: number; notPerformed: number };
}

export interface ReportDue {
  year: number;
  semester: 1 | 2;
  dueOn: string;
  status: ReportStatus;
  submissions: Submission[];
}

export interface Evaluation {
  evaluationId: string;
  kind: 'PERIODIC' | 'AD_HOC';
  year?: number;
  semester?: 1 | 2;
  recordedAt: string;
  findings: { obligation: string; label: string; finding: Finding; note: string | null }[];
}

export interface BupatiSummary {
  year: number;
  semester: 1 | 2;
  title: string;
  periodFrom: string;
  periodTo: string;
  asOf: string;
  agreement: { status: string; validUntil: string; dukcapilNumber: string; dinkesNumber: string; addenda: string[] } | null;
  daysLeft: number | null;
  totals: AccessCounts;
  balikan: BalikanCounts;
  outOfRegencyShare: number;
  refusalsTotal: number;
  perPuskesmas: { code: string; name: string; kecamatan: string; accesses: AccessCounts; balikan: BalikanCounts }[];
  report: { dueOn: string; submission: Submission | null };
  evaluations: Evaluation[];
  logCheckpoint: { treeSize: number; rootHash: string } | null;
  /** The moment the figures truly stand at (the last event they count), or null when none was counted. */
  cutOff: string | null;
}

/** The letter that sent a semester's Bupati summary (Tata Naskah Dinas): null while the summary is a DRAF. */
export interface BupatiLetter {
  number: string;
  /** WIB day, YYYY-MM-DD */
  issuedOn: string;
}

/** The Bupati summary's JSON with the issue-16 fields the console shows. */
export interface BupatiSummaryLetter extends BupatiSummary {
  letter: BupatiLetter | null;
}
