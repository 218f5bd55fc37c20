import type { Page } from './page';
import { Placeholder } from '../pages/placeholder';
import { AuditLogPage } from '../pages/shared/audit-log';

/** Admin Dinkes: the agreement, Puskesmas, card readers, accounts, the balikan backlog, the semester report. */
export const adminPages: Page[] = [
  { path: '/perjanjian', title: 'Perjanjian', view: Placeholder },
  { path: '/log-audit', title: 'Log audit', view: AuditLogPage },
];
