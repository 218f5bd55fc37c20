import fc from 'fast-check';
import regency from '../../src/reference/karanganyar.json';
import { DENIAL_REASONS } from '../../src/modules/access/denials/access-denied.events';
import { OBLIGATIONS, monthLabel, reasonLabel, semesterRoman } from '../../src/modules/reporting/documents/labels';
import { ZERO_ACCESSES, balikanCounts, sumBalikan } from '../../src/modules/reporting/read-models/report-figures';
import type {
  AccessCounts,
  AgreementSummary,
  BalikanCounts,
  BupatiSummary,
  EvaluationSummary,
  MonthRow,
  PuskesmasRow,
  ReasonCount,
  Semester,
  SemesterReport,
  Signatories,
} from '../../src/modules/reporting/documents/report-data';

/**
 * Report objects for the document renderers: a realistic Semester I 2025 of the 21 Puskesmas of Karanganyar,
 * and random but consistent ones for property tests. Aggregates only, like the real thing.
 */

const ACCESS_KEYS = ['webPortal', 'cardReader', 'total', 'found', 'deceased', 'notFound', 'registryFailed', 'fingerprintFailed', 'outOfRegency'] as const;

export const AGREEMENT: AgreementSummary = {
  dukcapilNumber: '473.3/2271.12/IX/2022',
  dinkesNumber: '440/2633.17.5/IX/2022',
  signedOn: '2022-09-16',
  validFrom: '2022-09-16',
  validUntil: '2026-09-15',
  addenda: ['473.3/100/IX/2024'],
  status: 'ACTIVE',
  changes: [
    {
      change: 'SIGN',
      detail: '473.3/2271.12/IX/2022 / 440/2633.17.5/IX/2022, 2022-09-16..2024-09-15',
      status: 'CONFIRMED',
      proposedBy: 'SEED',
      proposedAt: null,
      confirmedBy: 'SEED',
      confirmedAt: '2025-11-27T01:00:00.000Z',
      rejectedBy: null,
      rejectedAt: null,
    },
    {
      change: 'EXTEND',
      detail: '473.3/100/IX/2024, 2026-09-15',
      status: 'CONFIRMED',
      proposedBy: '5d0c7a52-3f4e-4c1b-9a8e-2b6f1d3c4e5a',
      proposedAt: '2025-12-01T02:30:00.000Z',
      confirmedBy: '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      confirmedAt: '2025-12-02T03:45:00.000Z',
      rejectedBy: null,
      rejectedAt: null,
    },
  ],
};

const ROOT_HASH = '9f2c4e1a7b3d5f60812ac4e6b8d0f2a4c6e8f0a2b4d6f8a0c2e4a6c8e0b2d4f6';

/** The 21 Puskesmas of the seed, in its order, then made-up ones if more are asked for. */
export function puskesmasList(count = 21): { code: string; name: string; kecamatan: string }[] {
  const seeded = regency.districts.flatMap((d) =>
    d.puskesmas.map((name, i) => ({ code: `P${d.code}01${String(i + 1).padStart(2, '0')}`, name, kecamatan: d.name })),
  );
  const extra = Array.from({ length: Math.max(0, count - seeded.length) }, (_, i) => ({
    code: `P33139901${String(i + 1).padStart(2, '0')}`,
    name: `Puskesmas Pembantu Uji ${i + 1}`,
    kecamatan: 'KARANGANYAR',
  }));
  return [...seeded, ...extra].slice(0, count);
}

/** Plausible, varied and reproducible figures for the i-th Puskesmas (no randomness: fixtures must not move). */
function sampleAccesses(i: number): AccessCounts {
  const webPortal = 620 + ((i * 389) % 1400);
  const cardReader = 90 + ((i * 211) % 520);
  const total = webPortal + cardReader;
  // As report-data.ts defines it and the query counts: `found` is alive only; the outcomes add up to the total.
  const deceased = Math.round(total * 0.012);
  const found = Math.round(total * 0.91) - deceased;
  const notFound = Math.round(total * 0.06);
  const fingerprintFailed = Math.round(cardReader * 0.05);
  return {
    webPortal,
    cardReader,
    total,
    found,
    deceased,
    notFound,
    registryFailed: total - found - deceased - notFound - fingerprintFailed,
    fingerprintFailed,
    outOfRegency: Math.round(total * (0.04 + (i % 6) * 0.025)),
  };
}

function sampleBalikan(i: number, accesses: AccessCounts): BalikanCounts {
  const owed = accesses.found + accesses.deceased;
  const submitted = owed - (i % 4) * 3;
  const delivered = Math.max(0, submitted - Math.round(owed * (i % 7) * 0.015));
  return balikanCounts({ owed, submitted, delivered, abandoned: Math.min(submitted - delivered, i % 3) });
}

export function samplePuskesmasRows(count = 21): PuskesmasRow[] {
  return puskesmasList(count).map((p, i) => {
    const accesses = sampleAccesses(i);
    return { ...p, accesses, balikan: sampleBalikan(i, accesses) };
  });
}

export function sumAccesses(rows: readonly AccessCounts[]): AccessCounts {
  return Object.fromEntries(ACCESS_KEYS.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)])) as unknown as AccessCounts;
}

/** Splits each count over the months by weight; the last month takes the rounding rest, so months add up to the total. */
export function splitOverMonths(total: AccessCounts, weights: readonly number[]): AccessCounts[] {
  const weightSum = weights.reduce((s, w) => s + w, 0) || 1;
  const months = weights.map(() => ({ ...ZERO_ACCESSES }) as Record<(typeof ACCESS_KEYS)[number], number>);
  for (const key of ACCESS_KEYS) {
    if (key === 'total') continue;
    let given = 0;
    months.forEach((m, i) => {
      m[key] = i === months.length - 1 ? total[key] - given : Math.floor((total[key] * (weights[i] ?? 0)) / weightSum);
      given += m[key];
    });
  }
  for (const m of months) m.total = m.webPortal + m.cardReader;
  return months;
}

export function semesterMonths(year: number, semester: Semester): string[] {
  const first = semester === 1 ? 1 : 7;
  return Array.from({ length: 6 }, (_, i) => `${year}-${String(first + i).padStart(2, '0')}`);
}

export function semesterDates(year: number, semester: Semester): { periodFrom: string; periodTo: string; dueOn: string } {
  return semester === 1
    ? { periodFrom: `${year}-01-01`, periodTo: `${year}-06-30`, dueOn: `${year}-06-30` }
    : { periodFrom: `${year}-07-01`, periodTo: `${year}-12-31`, dueOn: `${year}-12-31` };
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export const SAMPLE_REFUSALS: readonly ReasonCount[] = [
  { reason: 'NETWORK_NOT_ALLOWED', label: reasonLabel('NETWORK_NOT_ALLOWED'), count: 14 },
  { reason: 'FACILITY_SCOPE', label: reasonLabel('FACILITY_SCOPE'), count: 6 },
  { reason: 'RATE_LIMITED', label: reasonLabel('RATE_LIMITED'), count: 3 },
  { reason: 'ACCOUNT_LOCKED', label: reasonLabel('ACCOUNT_LOCKED'), count: 2 },
];

/**
 * Semester I 2025, as of 30 June 23.59.59 WIB. Totals, months, balikan, shares and fingerprints are derived
 * from the Puskesmas rows, so passing `perPuskesmas` alone gives a consistent report; any other field given
 * replaces the derived one as is.
 */
export function sampleSemesterReport(overrides: Partial<SemesterReport> = {}): SemesterReport {
  const year = overrides.year ?? 2025;
  const semester = overrides.semester ?? 1;
  const perPuskesmas = overrides.perPuskesmas ?? samplePuskesmasRows();
  const totals = sumAccesses(perPuskesmas.map((p) => p.accesses));
  const months = semesterMonths(year, semester);
  const perMonth: MonthRow[] = splitOverMonths(totals, [15, 16, 17, 17, 17, 18]).map((accesses, i) => ({
    month: months[i]!,
    label: monthLabel(months[i]!),
    accesses,
  }));
  const notMatched = Math.floor(totals.fingerprintFailed * 0.7);
  return {
    kind: 'SEMESTER_REPORT',
    year,
    semester,
    title: `LAPORAN PEMANFAATAN NIK, DATA KEPENDUDUKAN DAN KTP-EL SEMESTER ${semesterRoman(semester)} TAHUN ${year}`,
    ...semesterDates(year, semester),
    asOf: semester === 1 ? `${year}-06-30T16:59:59.000Z` : `${year}-12-31T16:59:59.000Z`,
    agreement: AGREEMENT,
    totals,
    balikan: sumBalikan(perPuskesmas.map((p) => p.balikan)),
    outOfRegencyShare: share(totals.outOfRegency, totals.total),
    perPuskesmas,
    perMonth,
    refusals: SAMPLE_REFUSALS,
    fingerprint: { matched: totals.cardReader - totals.fingerprintFailed, notMatched, notPerformed: totals.fingerprintFailed - notMatched },
    submission: null,
    // Signed at the cut-off, as the query signs one for a document.
    logCheckpoint: {
      treeSize: 48213,
      rootHash: ROOT_HASH,
      signedAt: semester === 1 ? `${year}-06-30T09:41:07.000Z` : `${year}-12-31T09:41:07.000Z`,
      keyId: '3f9a0c5e7b21d846',
    },
    renderedOn: semester === 1 ? `${year}-07-02` : `${year + 1}-01-02`,
    cutOff: semester === 1 ? `${year}-06-30T09:41:07.000Z` : `${year}-12-31T09:41:07.000Z`,
    signatories: SAMPLE_SIGNATORIES,
    ...overrides,
  };
}

/** Fictitious officials (the NIPs follow the 18-digit form and belong to no one). */
export const SAMPLE_SIGNATORIES: Signatories = {
  dinkes: {
    name: 'dr. Purwati, M.Kes.',
    nip: '197005121998032004',
    rank: 'Pembina Utama Muda (IV/c)',
    position: 'Kepala Dinas Kesehatan Kabupaten Karanganyar',
  },
  disdukcapil: {
    name: 'Suryanto, S.Sos., M.M.',
    nip: '196908151994031007',
    rank: 'Pembina Tingkat I (IV/b)',
    position: 'Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar',
  },
};

export const SAMPLE_EVALUATION: EvaluationSummary = {
  evaluationId: '0d6f3c1e-8a52-4b7e-9c41-2f1a6b3d9e70',
  kind: 'PERIODIC',
  recordedAt: '2025-05-20T02:30:00.000Z',
  findings: OBLIGATIONS.map((o) => {
    const finding = o.code === 'BALIKAN' ? 'PARTIAL' : o.code === 'CARD_READERS' ? 'NOT_MET' : 'MET';
    const note =
      o.code === 'BALIKAN'
        ? 'Tiga Puskesmas dengan cakupan data balikan di bawah 95%.'
        : o.code === 'CARD_READERS'
          ? 'Dua Puskesmas belum memiliki card reader KTP-el.'
          : null;
    return { obligation: o.code, label: o.label, finding, note };
  }),
};

/** Whole days from `from` to `to` (YYYY-MM-DD), both included. */
function daysIncluded(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The Bupati summary of the sample report: same figures, Puskesmas ranked by accesses, one evaluation, report handed in on time. */
export function sampleBupatiSummary(overrides: Partial<BupatiSummary> = {}): BupatiSummary {
  const report = sampleSemesterReport();
  return {
    kind: 'BUPATI_SUMMARY',
    year: report.year,
    semester: report.semester,
    title: `RINGKASAN PEMANFAATAN DATA KEPENDUDUKAN OLEH DINAS KESEHATAN SEMESTER ${semesterRoman(report.semester)} TAHUN ${report.year}`,
    periodFrom: report.periodFrom,
    periodTo: report.periodTo,
    asOf: report.asOf,
    agreement: report.agreement,
    daysLeft: daysIncluded(report.periodTo, AGREEMENT.validUntil),
    totals: report.totals,
    balikan: report.balikan,
    outOfRegencyShare: report.outOfRegencyShare,
    refusalsTotal: report.refusals.reduce((s, r) => s + r.count, 0),
    perPuskesmas: [...report.perPuskesmas].sort((a, b) => b.accesses.total - a.accesses.total || a.code.localeCompare(b.code)),
    report: {
      dueOn: report.dueOn,
      submission: { submittedAt: '2025-06-27T03:15:00.000Z', onTime: true, sha256: 'c'.repeat(64), revision: 1 },
    },
    evaluations: [SAMPLE_EVALUATION],
    logCheckpoint: report.logCheckpoint,
    renderedOn: report.renderedOn,
    cutOff: report.cutOff,
    signatories: report.signatories,
    letter: { number: '400.12/87/2025', issuedOn: '2025-07-03' },
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Random reports

const NAME_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '];
const name = (maxLength: number) => fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength });
const count = (max = 100_000) => fc.integer({ min: 0, max });
/** A fraction in thousandths, so derived counts stay whole and reproducible. */
const permille = fc.integer({ min: 0, max: 1000 });
const part = (whole: number, p: number) => Math.floor((whole * p) / 1000);

/** Access counts whose parts never exceed their whole (each total at most 100.000). */
const arbitraryAccesses: fc.Arbitrary<AccessCounts> = fc
  .record({
    webPortal: count(50_000),
    cardReader: count(50_000),
    found: permille,
    deceased: permille,
    notFound: permille,
    fingerprint: permille,
    out: permille,
  })
  .map((r) => {
    const total = r.webPortal + r.cardReader;
    const found = part(total, r.found);
    const deceased = part(total - found, r.deceased);
    const notFound = part(total - found - deceased, r.notFound);
    const fingerprintFailed = Math.min(part(r.cardReader, r.fingerprint), total - found - deceased - notFound);
    return {
      webPortal: r.webPortal,
      cardReader: r.cardReader,
      total,
      found,
      deceased,
      notFound,
      registryFailed: total - found - deceased - notFound - fingerprintFailed,
      fingerprintFailed,
      outOfRegency: part(total, r.out),
    };
  });

const arbitraryPuskesmas: fc.Arbitrary<PuskesmasRow> = fc
  .record({
    code: fc.stringMatching(/^P\d{10}$/),
    name: name(60),
    kecamatan: fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 3, maxLength: 20 }),
    accesses: arbitraryAccesses,
    submitted: permille,
    delivered: permille,
    abandoned: permille,
  })
  .map(({ submitted, delivered, abandoned, ...p }) => {
    const owed = p.accesses.found + p.accesses.deceased;
    const sent = part(owed, submitted);
    const arrived = part(sent, delivered);
    return { ...p, balikan: balikanCounts({ owed, submitted: sent, delivered: arrived, abandoned: part(sent - arrived, abandoned) }) };
  });

const arbitraryAgreement: fc.Arbitrary<AgreementSummary> = fc.record({
  dukcapilNumber: fc.stringMatching(/^\d{3}(\.\d)?\/\d{1,4}(\.\d{1,2})?\/[IVX]{1,4}\/20\d\d$/),
  dinkesNumber: fc.stringMatching(/^\d{3}\/\d{1,4}(\.\d{1,2}){0,2}\/[IVX]{1,4}\/20\d\d$/),
  signedOn: fc.constant('2022-09-16'),
  validFrom: fc.constant('2022-09-16'),
  validUntil: fc.constantFrom('2024-09-15', '2026-09-15'),
  addenda: fc.array(fc.stringMatching(/^\d{3}\.\d\/\d{1,4}\/[IVX]{1,4}\/20\d\d$/), { maxLength: 3 }),
  status: fc.constantFrom('ACTIVE', 'EXPIRED', 'TERMINATED', 'NOT_YET_VALID'),
  changes: fc.constant(AGREEMENT.changes),
});

const arbitraryRefusals: fc.Arbitrary<ReasonCount[]> = fc
  .uniqueArray(fc.constantFrom(...DENIAL_REASONS), { maxLength: DENIAL_REASONS.length })
  .chain((reasons) =>
    fc.tuple(...reasons.map(() => count())).map((counts) => reasons.map((reason, i) => ({ reason, label: reasonLabel(reason), count: counts[i] ?? 0 }))),
  );

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

/** Valid random semester reports: 0..25 Puskesmas, counts up to 100.000 each, empty lists allowed, totals consistent. */
export function arbitrarySemesterReport(): fc.Arbitrary<SemesterReport> {
  return fc
    .record({
      year: fc.integer({ min: 2022, max: 2035 }),
      semester: fc.constantFrom<Semester>(1, 2),
      perPuskesmas: fc.array(arbitraryPuskesmas, { maxLength: 25 }),
      monthCount: fc.integer({ min: 0, max: 6 }),
      weights: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 6, maxLength: 6 }),
      asOfMinutes: fc.integer({ min: 0, max: 200 * 24 * 60 }),
      agreement: fc.option(arbitraryAgreement, { nil: null }),
      refusals: arbitraryRefusals,
      fingerprintSplit: permille,
      submission: fc.option(fc.record({ onTime: fc.boolean(), sha256: hex64, revision: fc.integer({ min: 1, max: 5 }) }), { nil: null }),
      logCheckpoint: fc.option(
        fc.record({
          treeSize: fc.integer({ min: 0, max: 10_000_000 }),
          rootHash: hex64,
          signedAt: fc.date({ min: new Date('2022-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
          keyId: fc.stringMatching(/^[0-9a-f]{16}$/),
        }),
        { nil: null },
      ),
    })
    .map((r) => {
      const base = sampleSemesterReport({ year: r.year, semester: r.semester, perPuskesmas: r.perPuskesmas });
      const months = semesterMonths(r.year, r.semester).slice(0, r.monthCount);
      const asOf = new Date(Date.parse(`${base.periodFrom}T00:00:00+07:00`) + r.asOfMinutes * 60_000).toISOString();
      const notMatched = part(base.totals.fingerprintFailed, r.fingerprintSplit);
      return {
        ...base,
        asOf,
        agreement: r.agreement,
        perMonth: splitOverMonths(base.totals, r.weights.slice(0, months.length)).map((accesses, i) => ({
          month: months[i]!,
          label: monthLabel(months[i]!),
          accesses,
        })),
        refusals: r.refusals,
        fingerprint: { matched: base.totals.cardReader - base.totals.fingerprintFailed, notMatched, notPerformed: base.totals.fingerprintFailed - notMatched },
        submission: r.submission && { ...r.submission, submittedAt: asOf },
        logCheckpoint: r.logCheckpoint,
      };
    });
}
