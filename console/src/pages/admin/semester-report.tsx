import { useEffect, useState } from 'preact/hooks';
import { api, answer, download, ApiError } from '../../api/client';
import type { Session } from '../../session';
import { angka, Form, Notice, Problem, Section, SelectField, tanggal, useAction, waktu } from '../../ui/kit';
import { agreementStatusLabel, type AccessCounts, type BalikanCounts, type SemesterReport, type Submission, type Submissions } from '../shared/answers';
import { Badge, ConfirmButton, Loading, persen } from '../shared/common';

/** The semester of today in WIB. */
function currentSemester(): { year: number; semester: 1 | 2 } {
  const wib = new Date(Date.now() + 7 * 3_600_000);
  return { year: wib.getUTCFullYear(), semester: wib.getUTCMonth() < 6 ? 1 : 2 };
}

const formats = [
  ['pdf', 'Unduh PDF'],
  ['xlsx', 'Unduh XLSX'],
  ['csv', 'Unduh CSV'],
] as const;

/**
 * Laporan semester (Pasal 9(1)): the utilisation report of a semester, as tables; its PDF, XLSX and CSV;
 * its submission (pinned by the SHA-256 of its PDF) and what was submitted before. The admin submits;
 * the auditor may view and download.
 */
export function SemesterReportPage({ session }: { session: Session }) {
  const now = currentSemester();
  const years = Array.from({ length: now.year - 2022 + 1 }, (_, i) => String(now.year - i));
  const [year, setYear] = useState(String(now.year));
  const [semester, setSemester] = useState<string>(String(now.semester));
  const [shown, setShown] = useState<{ report: SemesterReport; submissions: Submission[] } | null>(null);
  const path = { year: shown ? String(shown.report.year) : year, semester: shown ? String(shown.report.semester) : semester };

  const show = useAction(async (y: string = year, s: string = semester) => {
    setShown(null);
    const [report, submitted] = await Promise.all([
      answer<SemesterReport>(api.GET('/v1/reports/semester/{year}/{semester}', { params: { path: { year: y, semester: s }, query: { format: 'json' } } })),
      answer<Submissions>(api.GET('/v1/reports/semester/{year}/{semester}/submission', { params: { path: { year: y, semester: s } } })).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'REPORT_NOT_SUBMITTED') return null;
        throw e;
      }),
    ]);
    setShown({ report, submissions: submitted?.submissions ?? [] });
  });
  useEffect(() => void show.run(), []);
  const [submittedNow, setSubmittedNow] = useState<Submission | null>(null);
  const submit = useAction(async () => {
    setSubmittedNow(null);
    const done = await answer<Submission>(api.POST('/v1/reports/semester/{year}/{semester}/submission', { params: { path } }));
    await show.run(path.year, path.semester);
    setSubmittedNow(done);
  });
  const fetchFile = useAction(async (format: 'pdf' | 'xlsx' | 'csv') => {
    await download(
      api.GET('/v1/reports/semester/{year}/{semester}', { params: { path, query: { format } }, parseAs: 'blob' }),
      `laporan-semester-${path.year}-${path.semester}.${format}`,
    );
  });

  return (
    <>
      <Section title="Pilih semester">
        <Form
          onSubmit={() => {
            setSubmittedNow(null);
            void show.run();
          }}
        >
          <div class="grid-2">
            <SelectField label="Tahun" options={years.map((y) => [y, y] as const)} value={year} onChange={(e) => setYear(e.currentTarget.value)} />
            <SelectField
              label="Semester"
              options={[
                ['1', 'Semester I (Januari–Juni)'],
                ['2', 'Semester II (Juli–Desember)'],
              ]}
              value={semester}
              onChange={(e) => setSemester(e.currentTarget.value)}
            />
          </div>
          <Problem error={show.error} />
          <button type="submit" disabled={show.busy}>
            Tampilkan laporan
          </button>
        </Form>
      </Section>
      {show.busy && <Loading />}
      {shown && (
        <>
          <Section title={shown.report.title}>
            <p>
              Periode {tanggal(shown.report.periodFrom)} s.d. {tanggal(shown.report.periodTo)}; batas penyerahan {tanggal(shown.report.dueOn)}. Angka per{' '}
              {waktu(shown.report.asOf)}.
            </p>
            {shown.report.agreement && (
              <p>
                Perjanjian {shown.report.agreement.dinkesNumber} / {shown.report.agreement.dukcapilNumber}:{' '}
                {agreementStatusLabel[shown.report.agreement.status] ?? shown.report.agreement.status}, berlaku sampai{' '}
                {tanggal(shown.report.agreement.validUntil)}.
              </p>
            )}
            <div class="actions">
              {formats.map(([format, label]) => (
                <button key={format} type="button" class="secondary" disabled={fetchFile.busy} onClick={() => void fetchFile.run(format)}>
                  {label}
                </button>
              ))}
            </div>
            <Problem error={fetchFile.error} />
          </Section>
          <SubmissionSection
            submissions={shown.submissions}
            canSubmit={session.role === 'DINKES_ADMIN'}
            busy={submit.busy}
            error={submit.error}
            submittedNow={submittedNow}
            onSubmit={() => void submit.run()}
          />
          <Figures report={shown.report} />
        </>
      )}
    </>
  );
}

function SubmissionSection({
  submissions,
  canSubmit,
  busy,
  error,
  submittedNow,
  onSubmit,
}: {
  submissions: Submission[];
  canSubmit: boolean;
  busy: boolean;
  error: unknown;
  submittedNow: Submission | null;
  onSubmit: () => void;
}) {
  return (
    <Section title="Penyerahan laporan">
      {submittedNow && (
        <Notice>
          Laporan diserahkan (revisi {submittedNow.revision}) pada {waktu(submittedNow.submittedAt)}
          {submittedNow.onTime ? ', tepat waktu.' : ', melewati batas waktu.'}
        </Notice>
      )}
      {submissions.length === 0 ? (
        <p>Laporan semester ini belum diserahkan.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Revisi</th>
              <th scope="col">Diserahkan</th>
              <th scope="col">Ketepatan</th>
              <th scope="col">SHA-256 dokumen PDF</th>
            </tr>
          </thead>
          <tbody>
            {submissions.map((s) => (
              <tr key={s.revision} data-submission={s.revision}>
                <td>{s.revision}</td>
                <td>{waktu(s.submittedAt)}</td>
                <td>{s.onTime ? <Badge tone="ok">Tepat waktu</Badge> : <Badge tone="warn">Terlambat</Badge>}</td>
                <td>
                  <code>{s.sha256}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canSubmit && (
        <div class="actions">
          <ConfirmButton
            label={submissions.length === 0 ? 'Serahkan laporan' : 'Serahkan revisi laporan'}
            question="Serahkan laporan ini kepada Disdukcapil? Dokumen PDF-nya dikunci dengan sidik SHA-256."
            confirmLabel="Ya, serahkan"
            busy={busy}
            onConfirm={onSubmit}
          />
        </div>
      )}
      <Problem error={error} />
    </Section>
  );
}

const accessColumns: [keyof AccessCounts, string][] = [
  ['webPortal', 'Portal web'],
  ['cardReader', 'Alat baca KTP-el'],
  ['total', 'Jumlah akses'],
  ['found', 'Ditemukan'],
  ['deceased', 'Meninggal'],
  ['notFound', 'Tidak ditemukan'],
  ['registryFailed', 'Gagal (Dukcapil)'],
  ['fingerprintFailed', 'Sidik jari gagal'],
  ['outOfRegency', 'Luar kabupaten'],
];
// Each counts accesses, not balikan: an access with three balikan counts once.
const balikanColumns: [Exclude<keyof BalikanCounts, 'deliveredShareOfOwing'>, string][] = [
  ['accessesOwingBalikan', 'Akses wajib balikan'],
  ['accessesWithBalikanSubmitted', 'Akses dengan balikan dikirim'],
  ['accessesWithBalikanDelivered', 'Akses dengan balikan terkirim'],
  ['accessesWithBalikanOnlyAbandoned', 'Akses dengan balikan gagal seluruhnya'],
];

function Figures({ report }: { report: SemesterReport }) {
  return (
    <>
      <Section title="Ringkasan">
        <dl class="facts-grid">
          <div>
            <dt>Jumlah akses</dt>
            <dd>{angka(report.totals.total)}</dd>
          </div>
          <div>
            <dt>Penduduk ditemukan</dt>
            <dd>{angka(report.totals.found)}</dd>
          </div>
          <div>
            <dt>Cakupan balikan (akses terkirim dari akses wajib)</dt>
            <dd>{persen(report.balikan.deliveredShareOfOwing)}</dd>
          </div>
          <div>
            <dt>Penduduk luar kabupaten</dt>
            <dd>{persen(report.outOfRegencyShare)}</dd>
          </div>
          <div>
            <dt>Sidik jari cocok / tidak cocok / tidak dilakukan</dt>
            <dd>
              {angka(report.fingerprint.matched)} / {angka(report.fingerprint.notMatched)} / {angka(report.fingerprint.notPerformed)}
            </dd>
          </div>
        </dl>
      </Section>
      <Section title="Akses per bulan">
        <div class="scroll" tabIndex={0} role="region" aria-label="Tabel akses per bulan">
          <table>
            <thead>
              <tr>
                <th scope="col">Bulan</th>
                {accessColumns.map(([key, label]) => (
                  <th key={key} scope="col" class="num">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.perMonth.map((m) => (
                <tr key={m.month}>
                  <td>{m.label}</td>
                  {accessColumns.map(([key]) => (
                    <td key={key} class="num">
                      {angka(m.accesses[key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Per Puskesmas">
        <div class="scroll" tabIndex={0} role="region" aria-label="Tabel per puskesmas">
          <table>
            <thead>
              <tr>
                <th scope="col">Puskesmas</th>
                <th scope="col" class="num">
                  Jumlah akses
                </th>
                <th scope="col" class="num">
                  Ditemukan
                </th>
                {balikanColumns.map(([key, label]) => (
                  <th key={key} scope="col" class="num">
                    {label}
                  </th>
                ))}
                <th scope="col" class="num">
                  Cakupan balikan
                </th>
              </tr>
            </thead>
            <tbody>
              {report.perPuskesmas.map((p) => (
                <tr key={p.code}>
                  <td>
                    {p.name} <small>({p.kecamatan})</small>
                  </td>
                  <td class="num">{angka(p.accesses.total)}</td>
                  <td class="num">{angka(p.accesses.found)}</td>
                  {balikanColumns.map(([key]) => (
                    <td key={key} class="num">
                      {angka(p.balikan[key])}
                    </td>
                  ))}
                  <td class="num">{persen(p.balikan.deliveredShareOfOwing)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Permintaan yang ditolak">
        {report.refusals.length === 0 ? (
          <p>Tidak ada permintaan yang ditolak pada semester ini.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Alasan</th>
                <th scope="col" class="num">
                  Jumlah
                </th>
              </tr>
            </thead>
            <tbody>
              {report.refusals.map((r) => (
                <tr key={r.reason}>
                  <td>{r.label}</td>
                  <td class="num">{angka(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
