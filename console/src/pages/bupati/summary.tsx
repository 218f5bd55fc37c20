import { useEffect, useState } from 'preact/hooks';
import { api, answer, download } from '../../api/client';
import type { Session } from '../../session';
import { Field, Form, Notice, Problem, Section, angka, tanggal, useAction, waktu } from '../../ui/kit';
import type { BupatiLetter, BupatiSummaryLetter as BupatiSummary } from '../auditor/answers';
import { EvaluationTable } from '../auditor/evaluations';
import { AGREEMENT_STATUS, persen } from '../auditor/labels';
import { SemesterPicker, currentSemester, semesterName, type Period } from '../auditor/semester';

const pathOf = (p: Period) => ({ year: String(p.year), semester: String(p.semester) });

/**
 * Ringkasan semester (Pasal 9(4)): what the Bupati is told of a semester, its key figures, and its PDF and XLSX.
 * The Disdukcapil auditor sees the same page and issues the letter that sends it (its number, once).
 */
export function SummaryPage({ session }: { session?: Session }) {
  const [period, setPeriod] = useState<Period>(currentSemester);
  const key = `${period.year}-${period.semester}`;
  // The summary read last, with its semester: reading it again (after a letter is issued) keeps it on screen.
  const [loaded, setLoaded] = useState<{ key: string; summary: BupatiSummary } | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** The number just issued, shown until the summary read again carries it. */
  const [issued, setIssued] = useState<(BupatiLetter & { key: string }) | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    setError(null);
    answer<BupatiSummary>(api.GET('/v1/reports/bupati/{year}/{semester}', { params: { path: pathOf(period), query: { format: 'json' } } })).then(
      (s) => current && setLoaded({ key, summary: s }),
      (e) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [key, version]);
  const summary = loaded?.key === key ? loaded.summary : null;
  const letter = summary?.letter ?? (issued?.key === key ? issued : null);
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
      {summary && <LetterStatus letter={letter} />}
      {summary && session?.role === 'DUKCAPIL_AUDITOR' && !letter && (
        <IssueLetter
          key={key}
          period={period}
          onIssued={(number) => {
            setIssued({ number, issuedOn: new Date().toISOString(), key });
            setVersion((v) => v + 1);
          }}
        />
      )}
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
          {s.title}. Periode {tanggal(s.periodFrom)} s.d. {tanggal(s.periodTo)};{' '}
          {s.cutOff ? <>angka per {waktu(s.cutOff)} (kejadian terakhir yang dihitung).</> : 'belum ada kejadian yang tercatat.'}
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
            <dt>Cakupan balikan (akses terkirim dari akses wajib)</dt>
            <dd>{coverage(s.balikan)}</dd>
          </div>
          <div>
            <dt>Akses untuk penduduk luar kabupaten, dari seluruh akses</dt>
            <dd>{s.totals.total === 0 ? '–' : persen(s.outOfRegencyShare)}</dd>
          </div>
          <div>
            <dt>Permintaan ditolak</dt>
            <dd>{angka(s.refusalsTotal)}</dd>
          </div>
          <div>
            <dt>Perjanjian</dt>
            <dd>
              {s.agreement ? (AGREEMENT_STATUS[s.agreement.status] ?? s.agreement.status) : '—'}
              {s.agreement?.status === 'ACTIVE' && s.daysLeft !== null && s.daysLeft >= 0 && <small class="fine"> ({angka(s.daysLeft)} hari lagi)</small>}
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
            Perjanjian Kerja Sama Nomor {s.agreement.dukcapilNumber} (Disdukcapil) dan Nomor {s.agreement.dinkesNumber} (Dinas Kesehatan), berlaku sampai{' '}
            {tanggal(s.agreement.validUntil)}
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
                <th scope="col">Akses balikan terkirim / wajib</th>
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
                    {angka(p.balikan.accessesWithBalikanDelivered)} / {angka(p.balikan.accessesOwingBalikan)}
                  </td>
                  <td>{coverage(p.balikan)}</td>
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

/** Nomor surat of the summary, or DRAF while Disdukcapil has not issued it. */
function LetterStatus({ letter }: { letter: BupatiLetter | null }) {
  return (
    <p data-letter={letter?.number ?? 'DRAF'} role="status">
      Surat kepada Bupati:{' '}
      {letter ? (
        <>
          <strong>Nomor {letter.number}</strong>, diterbitkan {tanggal(letter.issuedOn)}
        </>
      ) : (
        <>
          <span class="badge warn">DRAF</span> nomor surat belum diterbitkan
        </>
      )}
    </p>
  );
}

/** Terbitkan surat: the letter number, entered once; the gateway refuses another number afterwards. */
function IssueLetter({ period, onIssued }: { period: Period; onIssued: (number: string) => void }) {
  const [number, setNumber] = useState('');
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState('');
  const issue = useAction(async () => {
    setAsking(false);
    const sent = number.trim();
    await answer(api.POST('/v1/reports/bupati/{year}/{semester}/letter', { params: { path: pathOf(period) }, body: { number: sent } }));
    setDone(`Surat ${semesterName(period)} diterbitkan dengan nomor ${sent}.`);
    onIssued(sent);
  });
  return (
    <Section title="Terbitkan surat">
      <p class="fine">
        Ringkasan dikirim kepada Bupati sebagai surat dinas. Masukkan nomor surat dari buku agenda Disdukcapil; sampai saat itu PDF bertanda DRAF.{' '}
        <strong>Nomor yang sudah diterbitkan tidak dapat diubah.</strong>
      </p>
      <Form onSubmit={() => setAsking(true)}>
        <Field
          label="Nomor surat"
          value={number}
          onInput={(e) => {
            setNumber(e.currentTarget.value);
            setAsking(false);
          }}
          required
          pattern="[0-9A-Za-z][0-9A-Za-z.\/\-]{1,58}[0-9A-Za-z]"
          maxLength={60}
          hint="Huruf, angka, titik, garis miring atau tanda hubung, contoh 400.12/123/2026"
        />
        <Problem error={issue.error} />
        {done && <Notice>{done}</Notice>}
        {asking ? (
          <div class="confirm" role="group" aria-label="Konfirmasi penerbitan surat">
            <p>
              Terbitkan surat {semesterName(period)} dengan nomor <strong>{number.trim()}</strong>? Nomor ini tidak dapat diubah sesudahnya.
            </p>
            <button type="button" class="danger" disabled={issue.busy} onClick={() => void issue.run()}>
              Ya, terbitkan surat
            </button>{' '}
            <button type="button" class="secondary" onClick={() => setAsking(false)}>
              Batal
            </button>
          </div>
        ) : (
          <button type="submit" disabled={issue.busy}>
            Terbitkan surat
          </button>
        )}
      </Form>
    </Section>
  );
}

/** Delivered share of the accesses owing a balikan, or an en dash where none owes one (0% would read as a failure). */
const coverage = (b: { accessesOwingBalikan: number; deliveredShareOfOwing: number }) => (b.accessesOwingBalikan === 0 ? '–' : persen(b.deliveredShareOfOwing));
