import { ApiError } from './api/client';

/** What each refusal means for the person at the screen, in plain Indonesian, and what to do next. */
const messages: Record<string, string> = {
  NETWORK_UNREACHABLE: 'Gateway tidak dapat dihubungi. Periksa jaringan tertutup Puskesmas, lalu coba lagi.',
  LOGIN_FAILED: 'ID pengguna atau kata sandi salah.',
  ACCOUNT_LOCKED: 'Akun terkunci karena terlalu banyak percobaan masuk. Minta admin membuka kuncinya.',
  SIGN_IN_RATE_LIMITED: 'Terlalu banyak percobaan masuk dari perangkat ini. Tunggu satu menit.',
  SIGN_IN_BUSY: 'Layanan sedang sibuk. Coba masuk lagi sebentar lagi.',
  UNAUTHENTICATED: 'Sesi Anda telah berakhir. Silakan masuk lagi.',
  TOKEN_INVALID_OR_EXPIRED: 'Sesi Anda telah berakhir. Silakan masuk lagi.',
  PASSWORD_CHANGE_REQUIRED: 'Anda harus mengganti kata sandi terlebih dahulu.',
  CURRENT_PASSWORD_WRONG: 'Kata sandi saat ini salah.',
  PASSWORD_UNCHANGED: 'Kata sandi baru harus berbeda dari yang lama.',
  PASSWORD_TOO_COMMON: 'Kata sandi baru terlalu umum atau mudah ditebak. Gunakan kalimat yang panjang.',
  PASSWORD_LENGTH: 'Panjang kata sandi baru tidak memenuhi syarat (minimal 12 karakter).',
  PASSWORD_REPEATED_CHARACTER: 'Kata sandi baru tidak boleh berupa satu karakter yang diulang.',
  PASSWORD_CONTAINS_USER_ID: 'Kata sandi tidak boleh memuat ID pengguna.',
  NETWORK_NOT_ALLOWED: 'Akses hanya dari jaringan tertutup yang disepakati.',
  ROLE_NOT_ALLOWED: 'Peran Anda tidak berwenang untuk tindakan ini.',
  OPERATOR_SUSPENDED: 'Akun Anda sedang ditangguhkan. Hubungi admin Dinkes.',
  OPERATOR_REVOKED: 'Akun Anda telah dicabut.',
  FACILITY_SCOPE: 'Data ini milik Puskesmas lain.',
  NOT_YOUR_ACCOUNT: 'Akun ini dikelola oleh pihak lain.',
  AGREEMENT_NOT_ACTIVE: 'Perjanjian kerja sama tidak sedang berlaku: akses data kependudukan ditutup.',
  FACILITY_NOT_REGISTERED: 'Puskesmas Anda belum terdaftar dalam perjanjian.',
  RATE_LIMITED: 'Batas jumlah pencarian per jam untuk akun Anda tercapai. Coba lagi nanti.',
  NIK_NOT_16_DIGITS: 'NIK harus terdiri dari 16 angka.',
  NIK_UNKNOWN_PROVINCE: 'Dua angka pertama NIK bukan kode provinsi yang ada. Periksa kembali NIK.',
  NIK_INVALID_DATE: 'Angka tanggal lahir di dalam NIK tidak valid. Periksa kembali NIK.',
  NIK_NOT_FOUND: 'NIK tidak ditemukan di database kependudukan. Periksa kembali NIK atau minta pasien ke Disdukcapil.',
  REGISTRY_UNAVAILABLE: 'Layanan Dukcapil sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi.',
  REGISTRY_TIMEOUT: 'Layanan Dukcapil tidak menjawab tepat waktu. Coba lagi.',
  REGISTRY_REFUSED: 'Layanan Dukcapil menolak permintaan ini. Hubungi admin Dinkes bila berulang.',
  FINGERPRINT_NOT_MATCHED: 'Sidik jari tidak cocok dengan KTP-el. Data tidak ditampilkan.',
  FINGERPRINT_NOT_PERFORMED: 'Pembacaan KTP-el memerlukan verifikasi sidik jari terlebih dahulu.',
  CARD_READER_NOT_FOUND: 'Alat pembaca KTP-el tidak dikenal.',
  CARD_READER_RETIRED: 'Alat pembaca KTP-el ini sudah tidak dipakai lagi.',
  CARD_READER_NOT_REGISTERED: 'Alat pembaca KTP-el ini tidak terdaftar untuk Puskesmas Anda.',
  ACCESS_NOT_FOUND: 'Akses tidak ditemukan.',
  ACCESS_FOUND_NOBODY: 'Akses ini tidak menemukan penduduk: tidak ada data balikan untuknya.',
  NIK_DOES_NOT_MATCH_ACCESS: 'NIK tidak sama dengan NIK yang dicari pada akses ini.',
  VERIFICATION_TOKEN_MALFORMED: 'Token verifikasi akses tidak valid. Ulangi pencarian NIK.',
  BALIKAN_EMPTY: 'Isi setidaknya satu data balikan.',
  BALIKAN_NOT_FOUND: 'Data balikan tidak ditemukan.',
  VALIDATION_FAILED: 'Isian belum lengkap atau tidak sesuai format.',
  FIELD_NOT_ALLOWED: 'Ada isian yang tidak dikenal.',
  EVENT_STORE_UNAVAILABLE: 'Penyimpanan catatan sedang tidak tersedia. Tidak ada yang tercatat; coba lagi.',
  NOT_READY: 'Layanan belum siap. Coba lagi sebentar lagi.',
  NOTE_PERSONAL_DATA:
    'Catatan evaluasi tidak boleh memuat data pribadi: ada angka yang tampak seperti NIK atau nomor KK (16 angka). Hapus angka itu dan tulis temuannya tanpa menyebut penduduk.',
  EVALUATION_PERIOD_REQUIRED: 'Evaluasi periodik harus menyebut semester yang dievaluasi.',
  EVALUATION_PERIOD_INCOMPLETE: 'Sebutkan tahun dan semester sekaligus, atau tidak keduanya.',
  EVALUATION_PERIOD_NOT_STARTED: 'Semester itu belum dimulai, sehingga belum dapat dievaluasi.',
  EVALUATION_DUPLICATE_FINDING: 'Setiap kewajiban hanya boleh dinilai satu kali dalam satu evaluasi.',
  REPORT_PERIOD_INVALID: 'Periode laporan tidak valid: tahun sejak 2022, semester I atau II.',
  REPORT_PERIOD_NOT_STARTED: 'Semester itu belum dimulai.',
  RANGE_INVALID: 'Tanggal awal tidak boleh sesudah tanggal akhir.',
  RANGE_TOO_LONG: 'Rentang tanggal paling panjang 366 hari.',
  EVENT_NOT_NOTARISED: 'Nomor ini tidak ada di log audit. Periksa kembali nomor akses.',
  NOT_YET_CHECKPOINTED:
    'Akses ini sudah tercatat, tetapi belum ada checkpoint bertanda tangan yang mencakupnya. Coba lagi setelah checkpoint berikutnya (paling lama 60 menit).',
  CHECKPOINT_NOT_FOUND: 'Checkpoint dengan ukuran itu tidak ada.',
  ID_MALFORMED: 'Nomor tidak sesuai format (UUID, contoh 3f2b8c1e-…).',
};

export function explain(error: unknown): string {
  if (error instanceof ApiError) return messages[error.code] ?? `Permintaan ditolak (${error.code}).`;
  return 'Terjadi kesalahan yang tidak terduga. Muat ulang halaman.';
}

export const codeOf = (error: unknown) => (error instanceof ApiError ? error.code : 'UNKNOWN');
