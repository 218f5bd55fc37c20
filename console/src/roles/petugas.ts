import type { Page } from './page';
import { LookupPage } from '../pages/petugas/lookup';
import { CardReadPage } from '../pages/petugas/card-read';
import { BalikanStatusPage } from '../pages/petugas/balikan-status';

/** Petugas Puskesmas (front desk): look a patient up, send the balikan, follow it. */
export const petugasPages: Page[] = [
  { path: '/cari-nik', title: 'Cari NIK', view: LookupPage },
  { path: '/baca-ktp-el', title: 'Baca KTP-el', view: CardReadPage },
  { path: '/status-balikan', title: 'Status balikan', view: BalikanStatusPage },
];
