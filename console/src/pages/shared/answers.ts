/**
 * Answers of the administrative routes as the console reads them (read from the controllers and query
 * handlers: agreements.queries.ts / agreement-reply.ts, facilities.queries.ts, operators.queries.ts,
 * compliance.query.ts, semester-report.query.ts, reports.controller.ts), and their words in Indonesian.
 */
import type { Role } from '../../api/answers';

export type Party = 'DINKES' | 'DISDUKCAPIL';
export const partyOf = (role: Role): Party => (role === 'DINKES_ADMIN' || role === 'PUSKESMAS_OPERATOR' ? 'DINKES' : 'DISDUKCAPIL');
export const partyName: Record<Party, string> = { DINKES: 'Dinkes', DISDUKCAPIL: 'Disdukcapil' };

export type AgreementStatus = 'PENDING' | 'NOT_YET_VALID' | 'ACTIVE' | 'EXPIRED' | 'TERMINATED';
export type TerminationReason = 'MUTUAL_CONSENT' | 'INSTITUTIONAL_CHANGE' | 'BREACH_BY_DINKES' | 'FORCE_MAJEURE';

export interface AgreementChange {
  changeId: string | null;
  change: 'SIGN' | 'EXTEND' | 'TERMINATE';
  terms: Record<string, unknown>;
  status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  proposedBy: string;
  proposedByParty: Party | null;
  proposedAt: string | null;
  confirmedBy: string | null;
  confirmedAt: string | null;
  rejectedBy: string | null;
  rejectedAt: string | null;
}

export interface Agreement {
  agreementId: string;
  dukcapilNumber: string;
  dinkesNumber: string;
  signedOn: string;
  validFrom: string;
  validUntil: string;
  grantedFields: string[];
  addenda: { addendumNumber: string; validUntil: string }[];
  termination: { reason: TerminationReason; effectiveOn: string } | null;
  status: AgreementStatus;
  daysLeft: number;
  asOf: string;
  pendingChanges: AgreementChange[];
  changes: AgreementChange[];
}

export const agreementStatusLabel: Record<AgreementStatus, string> = {
  ACTIVE: 'Berlaku',
  EXPIRED: 'Berakhir',
  TERMINATED: 'Diakhiri',
  NOT_YET_VALID: 'Belum berlaku',
  PENDING: 'Menunggu konfirmasi',
};
export const agreementStatusTone: Record<AgreementStatus, 'ok' | 'warn' | 'bad'> = {
  ACTIVE: 'ok',
  EXPIRED: 'bad',
  TERMINATED: 'bad',
  NOT_YET_VALID: 'warn',
  PENDING: 'warn',
};

/** The nine fields of Pasal 3(1)(a), as the agreement names them. */
export const grantedFieldLabel: Record<string, string> = {
  NO_KK: 'Nomor KK',
  NIK: 'NIK',
  NAMA_LENGKAP: 'Nama lengkap',
  JENIS_KELAMIN: 'Jenis kelamin',
  TEMPAT_LAHIR: 'Tempat lahir',
  TANGGAL_LAHIR: 'Tanggal lahir',
  JENIS_PEKERJAAN: 'Jenis pekerjaan',
  STATUS_PERKAWINAN: 'Status perkawinan',
  ALAMAT: 'Alamat',
};

export const terminationReasonLabel: Record<TerminationReason, string> = {
  MUTUAL_CONSENT: 'Kesepakatan para pihak',
  INSTITUTIONAL_CHANGE: 'Perubahan kelembagaan',
  FORCE_MAJEURE: 'Keadaan kahar (force majeure)',
  BREACH_BY_DINKES: 'Pelanggaran oleh Dinkes',
};

export const changeStatusLabel: Record<AgreementChange['status'], string> = { PENDING: 'Menunggu', CONFIRMED: 'Disetujui', REJECTED: 'Ditolak/ditarik' };

export interface Facility {
  facilityId: string;
  kind: 'DINKES' | 'PUSKESMAS';
  code: string;
  name: string;
  kecamatanCode: string;
}

export interface CardReader {
  readerId: string;
  facilityId: string;
  samSerial: string;
  retired: boolean;
}

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
export interface Account {
  operatorId: string;
  userId: string | null;
  role: Role;
  facilityId: string | null;
  status: AccountStatus;
  lockedUntil: string | null;
  displayName: string | null;
}
export const accountStatusLabel: Record<AccountStatus, string> = { ACTIVE: 'Aktif', SUSPENDED: 'Ditangguhkan', REVOKED: 'Dicabut' };
export const accountStatusTone: Record<AccountStatus, 'ok' | 'warn' | 'bad'> = { ACTIVE: 'ok', SUSPENDED: 'warn', REVOKED: 'bad' };

/** The roles each party's administrator may enrol (operators.controller.ts, parties/actor.ts). */
export const enrollableRoles: Record<Party, readonly Role[]> = {
  DINKES: ['PUSKESMAS_OPERATOR', 'DINKES_ADMIN'],
  DISDUKCAPIL: ['DUKCAPIL_AUDITOR', 'BUPATI_OFFICE'],
};

export interface BacklogRow {
  facilityId: string;
  code: string;
  name: string;
  kecamatan: string;
  backlog: { upTo7Days: number; upTo30Days: number; upTo90Days: number; over90Days: number };
  total: number;
}

export interface AccessCounts {
  webPortal: number;
  cardReader: number;
  total: number;
  found: number;
  deceased: number;
  notFound: number;
  registryFailed: number;
  fingerprintFailed: number;
  outOfRegency: number;
}
/** Counted per access (an access with three balikan counts once). */
export interface BalikanCounts {
  accessesOwingBalikan: number;
  accessesWithBalikanSubmitted: number;
  accessesWithBalikanDelivered: number;
  accessesWithBalikanOnlyAbandoned: number;
  deliveredShareOfOwing: number;
}
export interface Submission {
  year: number;
  semester: number;
  revision: number;
  sha256: string;
  submittedAt: string;
  dueOn: string;
  onTime: boolean;
}
export interface SemesterReport {
  kind: 'SEMESTER_REPORT';
  year: number;
  semester: number;
  title: string;
  periodFrom: string;
  periodTo: string;
  dueOn: string;
  asOf: string;
  agreement: { dukcapilNumber: string; dinkesNumber: string; validFrom: string; validUntil: string; status: AgreementStatus } | null;
  totals: AccessCounts;
  balikan: BalikanCounts;
  outOfRegencyShare: number;
  perPuskesmas: { code: string; name: string; kecamatan: string; accesses: AccessCounts; balikan: BalikanCounts }[];
  perMonth: { month: string; label: string; accesses: AccessCounts }[];
  refusals: { reason: string; label: string; count: number }[];
  fingerprint: { matched: number; notMatched: number; notPerformed: number };
  submission: { submittedAt: string; onTime: boolean; sha256: string; revision: number } | null;
  logCheckpoint: { treeSize: number; rootHash: string } | null;
}
export interface Submissions {
  year: number;
  semester: number;
  dueOn: string;
  submissions: Submission[];
}
