import type { Page } from './page';
import { Placeholder } from '../pages/placeholder';

/** Auditor Disdukcapil: compliance dashboard, pending agreement changes, evaluations, the audit log. */
export const auditorPages: Page[] = [{ path: '/kepatuhan', title: 'Dasbor kepatuhan', view: Placeholder }];
