import type { Role } from '../api/answers';
import type { Page } from './page';
import { adminPages } from './admin';
import { auditorPages } from './auditor';
import { bupatiPages } from './bupati';
import { petugasPages } from './petugas';

/** Each role sees its own pages only; the gateway refuses the rest anyway (ROLE_NOT_ALLOWED). */
export const pagesOf: Record<Role, Page[]> = {
  PUSKESMAS_OPERATOR: petugasPages,
  DINKES_ADMIN: adminPages,
  DUKCAPIL_AUDITOR: auditorPages,
  BUPATI_OFFICE: bupatiPages,
};
export type { Page };
