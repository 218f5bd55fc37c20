import type { Page } from './page';
import { AuditLogPage } from '../pages/shared/audit-log';
import { AgreementsPage } from '../pages/shared/agreements';
import { AccountsPage } from '../pages/shared/accounts';
import { FacilitiesPage } from '../pages/admin/facilities';
import { BacklogPage } from '../pages/admin/backlog';
import { SemesterReportPage } from '../pages/admin/semester-report';
import { SignatoriesPage } from '../pages/shared/signatories';

/** Admin Dinkes: the agreement, Puskesmas, card readers, accounts, the balikan backlog, the semester report, its signatory, the audit log. */
export const adminPages: Page[] = [
  { path: '/perjanjian', title: 'Perjanjian', view: AgreementsPage },
  { path: '/puskesmas', title: 'Puskesmas & alat baca KTP-el', view: FacilitiesPage },
  { path: '/akun', title: 'Akun petugas', view: AccountsPage },
  { path: '/tunggakan-balikan', title: 'Tunggakan balikan', view: BacklogPage },
  { path: '/laporan-semester', title: 'Laporan semester', view: SemesterReportPage },
  { path: '/penandatangan', title: 'Penandatangan', view: SignatoriesPage },
  { path: '/log-audit', title: 'Log audit', view: AuditLogPage },
];
