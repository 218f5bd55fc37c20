import type { Finding, ReportStatus } from './answers';

/** The obligations Disdukcapil evaluates, as the agreement words them (same codes and wording as the gateway's documents). */
export const OBLIGATIONS = [
  ['BALIKAN', 'Menyampaikan data balikan (Pasal 3 ayat (2) huruf b)'],
  ['ACCOUNTABILITY', 'Bertanggung jawab atas akses data kependudukan (Pasal 3 ayat (2) huruf c)'],
  ['CLOSED_NETWORK', 'Akses melalui jaringan tertutup (Pasal 3 ayat (2) huruf d)'],
  ['ALL_HOLDERS', 'Melayani semua pemegang KTP-el (Pasal 3 ayat (2) huruf e)'],
  ['CARD_READERS', 'Menyediakan perangkat pembaca KTP-el (Pasal 3 ayat (2) huruf f)'],
  ['CONFIDENTIALITY', 'Menjaga kerahasiaan dan tidak menyimpan data kependudukan (Pasal 3 ayat (2) huruf i)'],
  ['SEMESTER_REPORT', 'Menyampaikan laporan setiap semester (Pasal 9 ayat (1))'],
] as const;
export type ObligationCode = (typeof OBLIGATIONS)[number][0];

export const FINDINGS: Record<Finding, string> = { MET: 'Terpenuhi', PARTIAL: 'Sebagian', NOT_MET: 'Tidak terpenuhi' };
export const findingBadge: Record<Finding, string> = { MET: 'ok', PARTIAL: 'warn', NOT_MET: 'bad' };

export const REPORT_STATUS: Record<ReportStatus, string> = {
  SUBMITTED_ON_TIME: 'Tepat waktu',
  SUBMITTED_LATE: 'Terlambat',
  OVERDUE: 'Belum disampaikan, lewat batas',
  NOT_YET_DUE: 'Belum jatuh tempo',
};
export const reportBadge: Record<ReportStatus, string> = { SUBMITTED_ON_TIME: 'ok', SUBMITTED_LATE: 'warn', OVERDUE: 'bad', NOT_YET_DUE: '' };

export const AGREEMENT_STATUS: Record<string, string> = {
  ACTIVE: 'Berlaku',
  EXPIRED: 'Berakhir (kedaluwarsa)',
  TERMINATED: 'Diakhiri',
  NOT_YET_VALID: 'Belum berlaku',
};

export const UNUSUAL_REASONS: Record<string, string> = {
  ABOVE_DAILY_LIMIT: 'Melebihi batas harian',
  FAR_ABOVE_OWN_MEDIAN: 'Jauh di atas median operator',
};

export const EVALUATION_KINDS = { PERIODIC: 'Periodik', AD_HOC: 'Insidental' } as const;

/** 0.875 → "87,5%". */
export const persen = (share: number) => `${(Math.round(share * 1000) / 10).toLocaleString('id-ID', { maximumFractionDigits: 1 })}%`;
