import type { Page } from './page';
import { LookupPage } from '../pages/petugas/lookup';

/** Petugas Puskesmas (front desk): look a patient up, send the balikan, follow it. */
export const petugasPages: Page[] = [{ path: '/cari-nik', title: 'Cari NIK', view: LookupPage }];
