import type { Page } from './page';
import { SummaryPage } from '../pages/bupati/summary';

/** Kantor Bupati: the semester summary and its downloads. */
export const bupatiPages: Page[] = [{ path: '/ringkasan', title: 'Ringkasan semester', view: SummaryPage }];
