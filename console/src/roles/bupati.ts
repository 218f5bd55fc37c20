import type { Page } from './page';
import { Placeholder } from '../pages/placeholder';

/** Kantor Bupati: the semester summary and its downloads. */
export const bupatiPages: Page[] = [{ path: '/ringkasan', title: 'Ringkasan semester', view: Placeholder }];
