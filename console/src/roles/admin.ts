import type { Page } from './page';
import { AuditLogPage } from '../pages/shared/audit-log';
import { AgreementsPage } from '../pages/shared/agreements';

/** Admin Dinkes: the agreement, Puskesmas, card readers, accounts, the balikan backlog, the semester report. */
export const adminPages: Page[] = [
  { path: '/perjanjian', title: 'Perjanjian', view: AgreementsPage },
  { path: '/log-audit', title: 'Log audit', view: AuditLogPage },
];
