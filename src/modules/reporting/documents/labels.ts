import type { ObligationCode } from '../evaluations/evaluation.events';
import type { DenialReason } from '../../access/denials/access-denied.events';
import type { AccessOutcome } from '../../access/lookups/lookup.events';
import type { BalikanCounts, Channel, Finding, Semester, SubmissionSummary } from './report-data';

/**
 * Bahasa Indonesia wording and number/date formats shared by every rendered document. Formatting is done by
 * hand rather than with Intl so the output does not depend on the ICU data Node was built with.
 */

export const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'] as const;

/** Western Indonesia Time (UTC+7) has no daylight saving, so a fixed offset is exact. */
const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;

export function semesterRoman(semester: Semester): 'I' | 'II' {
  return semester === 1 ? 'I' : 'II';
}

/** "2025-03" → "Maret" (the month name, as in MonthRow.label); anything else is returned unchanged. */
export function monthLabel(month: string): string {
  const match = /^\d{4}-(\d{2})$/.exec(month);
  return (match && MONTHS[Number(match[1]) - 1]) || month;
}

interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A calendar date "YYYY-MM-DD" is taken as is; an instant is read on the WIB wall clock. */
function calendarDay(value: string): CalendarDay | null {
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (plain) return { year: Number(plain[1]), month: Number(plain[2]), day: Number(plain[3]) };
  const instant = wibClock(value);
  return instant ? { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() } : null;
}

/** The instant shifted so its UTC fields show the time in WIB. */
function wibClock(iso: string): Date | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms + WIB_OFFSET_MS);
}

/** "2025-06-30" → "30 Juni 2025". Unparseable input is returned unchanged rather than hidden. */
export function formatDate(value: string): string {
  const day = calendarDay(value);
  const name = day ? MONTHS[day.month - 1] : undefined;
  return day && name ? `${day.day} ${name} ${day.year}` : value;
}

/** "2025-06-30T16:59:00Z" → "30 Juni 2025 23.59 WIB" (Indonesian writes times with a dot). */
export function formatDateTime(iso: string): string {
  const clock = wibClock(iso);
  if (!clock) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(iso)} ${two(clock.getUTCHours())}.${two(clock.getUTCMinutes())} WIB`;
}

/**
 * "Data per: 2 Desember 2026 19.44 WIB": the moment the last event the figures count was recorded, or, when
 * none was, that nothing was recorded yet.
 */
export function cutOffLine(cutOff: string | null): string {
  return cutOff ? `Data per: ${formatDateTime(cutOff)}` : 'Data per: belum ada kejadian yang tercatat';
}

/** "1 Januari 2025 s.d. 30 Juni 2025" */
export function formatPeriod(from: string, to: string): string {
  return `${formatDate(from)} s.d. ${formatDate(to)}`;
}

/** 12345 → "12.345" (dot groups thousands in Indonesian). Counts are integers; anything else is rounded. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return rounded < 0 ? `-${digits}` : digits;
}

/** What a share prints as when its whole is zero (nothing was owed): an en dash, never "0,0%". */
export const DASH = '\u2013';

/**
 * The balikan figures as every document labels them (the JSON names say the same: each counts ACCESSES, not
 * balikan submissions; an access with three balikan counts once).
 */
export const BALIKAN_LABELS: Record<keyof BalikanCounts, string> = {
  accessesOwingBalikan: 'Akses wajib balikan (ditemukan + meninggal)',
  accessesWithBalikanSubmitted: 'Akses dengan balikan dikirim Puskesmas',
  accessesWithBalikanDelivered: 'Akses dengan balikan terkirim ke Disdukcapil',
  accessesWithBalikanOnlyAbandoned: 'Akses dengan balikan gagal/ditinggalkan seluruhnya',
  deliveredShareOfOwing: 'Cakupan balikan (akses terkirim dari akses wajib)',
};

/** A balikan coverage as printed: the share of the accesses owing one, or DASH when no access owes one. */
export function formatCoverage(b: Pick<BalikanCounts, 'accessesOwingBalikan' | 'deliveredShareOfOwing'>): string {
  return b.accessesOwingBalikan === 0 ? DASH : formatPercent(b.deliveredShareOfOwing);
}

/** "197005121998032004" → "19700512 199803 2 004", the way a NIP is printed under a signature. */
export function formatNip(nip: string): string {
  const m = /^(\d{8})(\d{6})(\d)(\d{3})$/.exec(nip.replace(/\s+/g, ''));
  return m ? `${m[1]} ${m[2]} ${m[3]} ${m[4]}` : nip;
}

/** A share of a whole as printed, or DASH when the whole is zero. */
export function formatShare(share: number, whole: number): string {
  return whole === 0 ? DASH : formatPercent(share);
}

/** The out-of-regency share says what it is a share of. */
export const outOfRegencyLabel = 'Akses untuk pemegang KTP-el dari luar kabupaten, dari seluruh akses';

/** 0.875 → "87,5%" (one decimal, comma as decimal separator). */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '-';
  const tenths = Math.round(share * 1000);
  const sign = tenths < 0 ? '-' : '';
  const abs = Math.abs(tenths);
  return `${sign}${formatNumber(Math.floor(abs / 10))},${abs % 10}%`;
}

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  WEB_PORTAL: 'Web Portal (NIK)',
  CARD_READER: 'Card Reader KTP-el',
};

export const OUTCOME_LABELS: Readonly<Record<AccessOutcome, string>> = {
  FOUND: 'Ditemukan',
  DECEASED: 'Ditemukan, meninggal dunia',
  NOT_FOUND: 'Tidak ditemukan',
  REGISTRY_REFUSED: 'Ditolak oleh server Dukcapil',
  REGISTRY_TIMEOUT: 'Server Dukcapil tidak menjawab',
  REGISTRY_UNAVAILABLE: 'Server Dukcapil tidak tersedia',
  FINGERPRINT_NOT_MATCHED: 'Sidik jari tidak cocok',
  FINGERPRINT_NOT_PERFORMED: 'Sidik jari tidak diverifikasi',
};

/** Typed by DenialReason so a new refusal reason cannot ship without its wording. */
export const REASON_LABELS: Readonly<Record<DenialReason, string>> = {
  NETWORK_NOT_ALLOWED: 'Jaringan tidak diizinkan',
  OPERATOR_SUSPENDED: 'Operator dinonaktifkan sementara',
  OPERATOR_REVOKED: 'Hak akses operator dicabut',
  ROLE_NOT_ALLOWED: 'Peran pengguna tidak berwenang',
  FACILITY_SCOPE: 'Di luar wilayah kerja fasilitas',
  AGREEMENT_NOT_ACTIVE: 'Perjanjian kerja sama tidak berlaku',
  FACILITY_NOT_REGISTERED: 'Fasilitas kesehatan belum terdaftar',
  CARD_READER_NOT_REGISTERED: 'Card reader belum terdaftar',
  CARD_READER_RETIRED: 'Card reader sudah tidak digunakan',
  ACCOUNT_LOCKED: 'Akun terkunci',
  NOT_YOUR_ACCOUNT: 'Bukan akun milik sendiri',
  OTHER_PARTYS_ACCOUNT: 'Akun milik pihak lain',
  RATE_LIMITED: 'Melebihi batas jumlah akses',
  NIK_DOES_NOT_MATCH_ACCESS: 'Data balikan untuk NIK yang tidak diakses',
};

export const FINDING_LABELS: Readonly<Record<Finding, string>> = {
  MET: 'Terpenuhi',
  PARTIAL: 'Sebagian',
  NOT_MET: 'Tidak terpenuhi',
};

export const AGREEMENT_STATUS_LABELS: Readonly<Record<string, string>> = {
  ACTIVE: 'Berlaku',
  EXPIRED: 'Berakhir (kedaluwarsa)',
  TERMINATED: 'Diakhiri',
  NOT_YET_VALID: 'Belum berlaku',
};

export const EVALUATION_KIND_LABELS: Readonly<Record<'PERIODIC' | 'AD_HOC', string>> = {
  PERIODIC: 'Periodik',
  AD_HOC: 'Insidental',
};

export interface Obligation {
  readonly code: ObligationCode;
  readonly label: string;
}

/** The obligations of the Dinas under the agreement that an evaluation judges (Pasal 3 ayat (2), Pasal 9 ayat (1)). */
export const OBLIGATIONS: readonly Obligation[] = [
  { code: 'BALIKAN', label: 'Menyampaikan data balikan (Pasal 3 ayat (2) huruf b)' },
  { code: 'ACCOUNTABILITY', label: 'Bertanggung jawab atas akses data kependudukan (Pasal 3 ayat (2) huruf c)' },
  { code: 'CLOSED_NETWORK', label: 'Akses melalui jaringan tertutup (Pasal 3 ayat (2) huruf d)' },
  { code: 'ALL_HOLDERS', label: 'Melayani semua pemegang KTP-el (Pasal 3 ayat (2) huruf e)' },
  { code: 'CARD_READERS', label: 'Menyediakan perangkat pembaca KTP-el (Pasal 3 ayat (2) huruf f)' },
  { code: 'CONFIDENTIALITY', label: 'Menjaga kerahasiaan dan tidak menyimpan data kependudukan (Pasal 3 ayat (2) huruf i)' },
  { code: 'SEMESTER_REPORT', label: 'Menyampaikan laporan setiap semester (Pasal 9 ayat (1))' },
];

/** An unknown code falls back to the given wording, then to the code itself, so nothing silently disappears. */
export function reasonLabel(reason: string, fallback?: string): string {
  return (REASON_LABELS as Readonly<Record<string, string>>)[reason] ?? (fallback || reason);
}

export function agreementStatusLabel(status: string): string {
  return AGREEMENT_STATUS_LABELS[status] ?? status;
}

export function obligationLabel(code: string, fallback?: string): string {
  return OBLIGATIONS.find((o) => o.code === code)?.label ?? (fallback || code);
}

export function findingLabel(finding: string): string {
  return (FINDING_LABELS as Readonly<Record<string, string>>)[finding] ?? finding;
}

/** Whether the Dinkes report of Pasal 9 ayat (1) was handed in, and when. */
export function reportStatusLabel(dueOn: string, submission: SubmissionSummary | null): string {
  const due = `batas penyampaian ${formatDate(dueOn)}`;
  if (!submission) return `Belum disampaikan (${due}).`;
  const when = formatDate(submission.submittedAt);
  const revision = submission.revision > 1 ? `; revisi ke-${submission.revision} disampaikan ${when}` : `, pada ${when}`;
  return `${submission.onTime ? 'Disampaikan tepat waktu' : 'Disampaikan terlambat'} (${due})${revision}.`;
}

/** "Disdukcapil Nomor … dan Dinas Kesehatan Nomor …": each number named with its party (both hold slashes). */
export function agreementNumbers(a: { readonly dukcapilNumber: string; readonly dinkesNumber: string }): string {
  return `Disdukcapil Nomor ${a.dukcapilNumber} dan Dinas Kesehatan Nomor ${a.dinkesNumber}`;
}

/** Pasal 10: why the agreement ends early. */
export const TERMINATION_REASON_LABELS: Readonly<Record<string, string>> = {
  MUTUAL_CONSENT: 'kesepakatan para pihak',
  INSTITUTIONAL_CHANGE: 'perubahan kelembagaan',
  BREACH_BY_DINKES: 'pelanggaran oleh Dinas Kesehatan',
  FORCE_MAJEURE: 'keadaan kahar',
};

/**
 * A change's record in words: the projection keeps it as "A / B, from..until" (signing), "number, until"
 * (extension) or "REASON, effectiveOn" (termination); anything else is shown as it is.
 */
export function agreementChangeDetail(change: string, detail: string): string {
  const sign = /^(.+) \/ (.+), (\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(detail);
  if (change === 'SIGN' && sign)
    return `${agreementNumbers({ dukcapilNumber: sign[1]!, dinkesNumber: sign[2]! })}, berlaku ${formatPeriod(sign[3]!, sign[4]!)}`;
  const dated = /^(.+), (\d{4}-\d{2}-\d{2})$/.exec(detail);
  if (change === 'EXTEND' && dated) return `Nomor ${dated[1]}, berlaku s.d. ${formatDate(dated[2]!)}`;
  if (change === 'TERMINATE' && dated) return `karena ${TERMINATION_REASON_LABELS[dated[1]!] ?? dated[1]}, berlaku ${formatDate(dated[2]!)}`;
  return detail;
}

export const AGREEMENT_CHANGE_LABELS: Readonly<Record<string, string>> = {
  SIGN: 'Penandatanganan',
  EXTEND: 'Perpanjangan (adendum)',
  TERMINATE: 'Pengakhiran',
};

/** Who did it: an operator id, or the seed (the 2022 agreement both parties signed that year). */
export function actorLabel(actor: string | null): string {
  if (!actor) return '-';
  if (actor === 'SEED') return 'data awal (ditandatangani kedua pihak)';
  if (actor === 'UNRECORDED') return 'tidak tercatat';
  if (actor === 'OFFLINE_RECOVERY') return 'pemulihan luring';
  return `operator ${actor}`;
}

/** "Perpanjangan (adendum) 473.3/100/IX/2024, 2026-09-15: diusulkan oleh ..., dikonfirmasi oleh ..." */
export function agreementChangeLine(c: {
  change: string;
  detail: string;
  status: string;
  proposedBy: string;
  proposedAt: string | null;
  confirmedBy: string | null;
  confirmedAt: string | null;
  rejectedBy: string | null;
  rejectedAt: string | null;
}): string {
  // The seed's own time is when the gateway first started, not when the parties signed: not shown.
  const at = (iso: string | null) => (iso && c.proposedBy !== 'SEED' ? ` (${formatDateTime(iso)})` : '');
  const proposed = `diusulkan oleh ${actorLabel(c.proposedBy)}${at(c.proposedAt)}`;
  const outcome =
    c.status === 'CONFIRMED'
      ? `dikonfirmasi oleh ${actorLabel(c.confirmedBy)}${at(c.confirmedAt)}`
      : c.status === 'REJECTED'
        ? `ditolak oleh ${actorLabel(c.rejectedBy)}${at(c.rejectedAt)}`
        : 'menunggu konfirmasi pihak lain (belum berlaku)';
  return `${AGREEMENT_CHANGE_LABELS[c.change] ?? c.change} ${agreementChangeDetail(c.change, c.detail)}: ${proposed}, ${outcome}`;
}
