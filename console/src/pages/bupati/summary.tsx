import { useEffect, useState } from 'preact/hooks';
import { api, answer, download } from '../../api/client';
import { Problem, Section, angka, tanggal, useAction } from '../../ui/kit';
import type { BupatiSummary } from '../auditor/answers';
import { EvaluationTable } from '../auditor/evaluations';
import { AGREEMENT_STATUS, persen } from '../auditor/labels';
import { SemesterPicker, currentSemester, semesterName, type Period } from '../auditor/semester';

const pathOf = (p: Period) => ({ year: String(p.year), semester: String(p.semester) });

/** Ringkasan semester (Pasal 9(4)): what the Bupati is told of a semester, its key figures, and its PDF and XLSX. */
export function SummaryPage() {
  const [period, setPeriod] = useState<Period>(currentSemester);
  const [summary, setSummary] = useState<BupatiSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    setSummary(null);
    setError(null);
    answer<BupatiSummary>(api.GET('/v1/reports/bupati/{year}/{semester}', { params: { path: pathOf(period), query: { format: 'json' } } })).then(
      (s) => current && setSummary(s),
      (e) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [period.year, period.semester]);
  const fileName = `ringkasan-bupati-${period.year}-semester-${period.semester}`;
  const save = useAction(async (format: 'pdf' | 'xlsx') => {
    const call = api.GET('/v1/reports/bupati/{year}/{semester}', { params: { path: pathOf(period), query: { format } }, parseAs: 'blob' });
    await download(call, `${fileName}.${format}`);
  });

  return (
    <>
      <div class="toolbar">
        <SemesterPicker value={period} onChange={setPeriod} />
        <div class="actions">
          <button type="button" disabled={save.busy} onClick={() => void save.run('pdf')}>
            Unduh PDF
          </button>
          <button type="button" class="secondary" disabled={save.busy} onClick={() => void save.run('xlsx')}>
            Unduh XLSX
          </button>
        </div>
      </div>
      <Problem error={error ?? save.error} />
      {!summary && !error && <p role="status">Memuat ringkasan…</p>}
      {summary && <Summary summary={summary} />}
    </>
  );
}

function Summary({ summary: s }: { summary: BupatiSummary }) {
  const found = s.totals.found + s.totals.deceased;
  const submission = s.report.submission;
  return (
    <>
      <Section title={semesterName(s)}>
        <p class="fine">
          {s.title}. Periode {tanggal(s.periodFrom)} s.d. {tanggal(s.periodTo)}; angka per {tanggal(s.asOf)}.
        </p>
        <dl class="figures" data-view="key-figures">
          <div>
            <dt>Akses data kependudukan</dt>
            <dd>{angka(s.totals.total)}</dd>
          </div>
          <div>
            <dt>Penduduk ditemukan</dt>
            <dd>{angka(found)}</dd>
          </div>
          <div>
            <dt>Cakupan data balikan</dt>
            <dd>{persen(s.balikan.coverage)}</dd>
          </div>
          <div>
            <dt>Penduduk luar kabupaten</dt>
            <dd>{persen(s.outOfRegencyShare)}</dd>
          </div>
          <div>
            <dt>Permintaan ditolak</dt>
            <dd>{angka(s.refusalsTotal)}</dd>
          </div>
          <div>
            <dt>Perjanjian</dt>
            <dd>
              {s.agreement ? (AGREEMENT_STATUS[s.agreement.status] ?? s.agreement.status) : '—'}
              {s.daysLeft !== null && s.daysLeft >= 0 && <small class="fine"> ({angka(s.daysLeft)} hari lagi)</small>}
            </dd>
          </div>
        </dl>
        <p>
          Laporan semester Dinas Kesehatan (batas {tanggal(s.report.dueOn)}):{' '}
          {submission ? (
            <span class={`badge ${submission.onTime ? 'ok' : 'warn'}`}>
              {submission.onTime ? 'disampaikan tepat waktu' : 'disampaikan terlambat'}, {tanggal(submission.submittedAt)}
            </span>
          ) : (
            <span class="badge">belum disampaikan</span>
          )}
        </p>
        {s.agreement && (
          <p class="fine">
            Perjanjian {s.agreement.dukcapilNumber} / {s.agreement.dinkesNumber}, berlaku sampai {tanggal(s.agreement.validUntil)}
            {s.agreement.addenda.length > 0 && <>; adendum {s.agreement.addenda.join(', ')}</>}.
          </p>
        )}
      </Section>
      <Section title="Pemanfaatan per Puskesmas">
        <div class="scroll">
          <table data-view="per-puskesmas">
            <caption class="sr-only">Pemanfaatan data kependudukan per Puskesmas, terbanyak lebih dahulu</caption>
            <thead>
              <tr>
                <th scope="col">Puskesmas</th>
                <th scope="col">Kecamatan</th>
                <th scope="col">Akses</th>
                <th scope="col">Web portal</th>
                <th scope="col">Pembaca KTP-el</th>
                <th scope="col">Balikan terkirim</th>
                <th scope="col">Cakupan balikan</th>
              </tr>
            </thead>
            <tbody>
              {s.perPuskesmas.map((p) => (
                <tr key={p.code}>
                  <td>{p.name}</td>
                  <td>{p.kecamatan}</td>
                  <td>{angka(p.accesses.total)}</td>
                  <td>{angka(p.accesses.webPortal)}</td>
                  <td>{angka(p.accesses.cardReader)}</td>
                  <td>
                    {angka(p.balikan.delivered)} / {angka(p.balikan.owed)}
                  </td>
                  <td>{persen(p.balikan.coverage)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Evaluasi oleh Disdukcapil">
        {s.evaluations.length === 0 ? <p>Belum ada evaluasi untuk semester ini.</p> : <EvaluationTable evaluations={[...s.evaluations].reverse()} />}
      </Section>
    </>
  );
}
