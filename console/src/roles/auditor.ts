import type { Page } from './page';
import { DashboardPage } from '../pages/auditor/dashboard';
import { EvaluationsPage } from '../pages/auditor/evaluations';
import { AuditLogPage } from '../pages/shared/audit-log';
import { AgreementsPage } from '../pages/shared/agreements';
import { AccountsPage } from '../pages/shared/accounts';
import { SignatoriesPage } from '../pages/shared/signatories';
import { SummaryPage } from '../pages/bupati/summary';

/** Auditor Disdukcapil: compliance dashboard, pending agreement changes, evaluations, the Bupati summary and its letter, the signatory, the audit log. */
export const auditorPages: Page[] = [
  { path: '/kepatuhan', title: 'Dasbor kepatuhan', view: DashboardPage },
  { path: '/evaluasi', title: 'Evaluasi', view: EvaluationsPage },
  { path: '/ringkasan-bupati', title: 'Ringkasan Bupati', view: SummaryPage },
  { path: '/penandatangan', title: 'Penandatangan', view: SignatoriesPage },
  { path: '/log-audit', title: 'Log audit', view: AuditLogPage },
  { path: '/perjanjian', title: 'Perjanjian', view: AgreementsPage },
  { path: '/akun', title: 'Akun petugas', view: AccountsPage },
];
