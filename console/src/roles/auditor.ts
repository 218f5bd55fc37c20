import type { Page } from './page';
import { DashboardPage } from '../pages/auditor/dashboard';
import { EvaluationsPage } from '../pages/auditor/evaluations';
import { AuditLogPage } from '../pages/shared/audit-log';
import { AgreementsPage } from '../pages/shared/agreements';
import { AccountsPage } from '../pages/shared/accounts';

/** Auditor Disdukcapil: compliance dashboard, pending agreement changes, evaluations, the audit log. */
export const auditorPages: Page[] = [
  { path: '/kepatuhan', title: 'Dasbor kepatuhan', view: DashboardPage },
  { path: '/evaluasi', title: 'Evaluasi', view: EvaluationsPage },
  { path: '/log-audit', title: 'Log audit', view: AuditLogPage },
  { path: '/perjanjian', title: 'Perjanjian', view: AgreementsPage },
  { path: '/akun', title: 'Akun petugas', view: AccountsPage },
];
