import { useEffect, useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import { Problem, Section, angka, tanggal } from '../../ui/kit';
import type { BacklogRow, CardReader, Obligations, OperatorActivity, Refusals, ReportDue } from './answers';
import { BarChart, COLOURS } from './chart';
import { AGREEMENT_STATUS, REPORT_STATUS, UNUSUAL_REASONS, persen, reportBadge } from './labels';
import { SemesterPicker, currentSemester, periodOf, semesterName, type Period } from './semester';

interface Views {
  period: Period;
  obligations: Obligations;
  backlog: BacklogRow[];
  refusals: Refusals;
  activity: OperatorActivity;
  readers: CardReader[];
  reports: ReportDue[];
}

/** The six compliance views of one semester, asked for at once. */
async function load(period: Period): Promise<Views> {
  const { from, to } = periodOf(period);
  const [obligations, backlog, refusals, activity, readers, reports] = await Promise.all([
    answer<Obligations>(api.GET('/v1/compliance/obligations', { params: { query: { year: String(period.year), semester: String(period.semester) as '1' } } })),
    answer<BacklogRow[]>(api.GET('/v1/compliance/balikan-backlog')),
    answer<Refusals>(api.GET('/v1/compliance/refusals', { params: { query: { from, to } } })),
    answer<OperatorActivity>(api.GET('/v1/compliance/operator-activity', { params: { query: { from, to, unusualOnly: 'false' } } })),
    answer<CardReader[]>(api.GET('/v1/compliance/card-readers')),
    answer<ReportDue[]>(api.GET('/v1/compliance/reports')),
  ]);
  return { period, obligations, backlog, refusals, activity, readers, reports };
}

/**
 * Dasbor kepatuhan (Pasal 4(1)(a)): Disdukcapil's supervision of the obligations of Pasal 3(2) and the
 * report of Pasal 9(1). Every chart is also given as text (a table or a summary line). Aggregates and
 * opaque operator ids only: the API gives this page nothing of a person.
 */
export function DashboardPage() {
  const [period, setPeriod] = useState<Period>(currentSemester);
  const [views, setViews] = useState<Views | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    setError(null);
    load(period).then(
      (v) => current && setViews(v),
      (e) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [period.year, period.semester]);
  // Charts are drawn in their own effects, which run before this one: the moment the dashboard is complete.
  useEffect(() => {
    if (views) performance.mark('dasbor-kepatuhan-digambar');
  }, [views]);

  return (
    <>
      <div class="toolbar">
        <SemesterPicker value={period} onChange={setPeriod} />
        {views && (
          <p class="fine">
            Angka per {tanggal(views.obligations.asOf)}; periode {tanggal(views.obligations.periodFrom)} s.d. {tanggal(views.obligations.periodTo)}.
          </p>
        )}
      </div>
      <Problem error={error} />
      {(!views || views.period.year !== period.year || views.period.semester !== period.semester) && !error && <p role="status">Memuat dasbor…</p>}
      {views && (
        <div data-dashboard={semesterName(views.period)}>
          <KeyFigures views={views} />
          <ObligationsPerPuskesmas obligations={views.obligations} />
          <div class="pair">
            <BacklogByAge rows={views.backlog} />
            <RefusalsByReason refusals={views.refusals} />
          </div>
          <Activity activity={views.activity} />
          <div class="pair">
            <CardReaders readers={views.readers} />
            <ReportsOnTime reports={views.reports} />
          </div>
        </div>
      )}
    </>
  );
}

function KeyFigures({ views }: { views: Views }) {
  const o = views.obligations;
  const balikan = o.obligations.find((x) => x.code === 'BALIKAN')!.figures;
  const accountability = o.obligations.find((x) => x.code === 'ACCOUNTABILITY')!.figures;
  const network = o.obligations.find((x) => x.code === 'CLOSED_NETWORK')!.figures;
  const holders = o.obligations.find((x) => x.code === 'ALL_HOLDERS')!.figures;
  const readers = o.obligations.find((x) => x.code === 'CARD_READERS')!.figures;
  const report = o.obligations.find((x) => x.code === 'SEMESTER_REPORT')!.figures;
  const backlogTotal = Object.values(balikan.backlog).reduce((s, n) => s + n, 0);
  return (
    <Section title={`Kewajiban per pasal, ${semesterName(views.period)}`}>
      {o.agreement ? (
        <p>
          Perjanjian {o.agreement.dukcapilNumber}:{' '}
          <span class={`badge ${o.agreement.status === 'ACTIVE' ? 'ok' : 'bad'}`}>{AGREEMENT_STATUS[o.agreement.status] ?? o.agreement.status}</span>, berlaku
          sampai {tanggal(o.agreement.validUntil)} ({o.agreement.daysLeft >= 0 ? `${angka(o.agreement.daysLeft)} hari lagi` : 'sudah lewat'}).
        </p>
      ) : (
        <p>Tidak ada perjanjian yang tercatat.</p>
      )}
      <table data-view="obligations">
        <caption class="sr-only">Angka utama setiap kewajiban</caption>
        <thead>
          <tr>
            <th scope="col">Pasal</th>
            <th scope="col">Kewajiban</th>
            <th scope="col">Angka semester ini</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Pasal 3(2)(b)</td>
            <td>Data balikan</td>
            <td>
              {angka(balikan.accessesWithBalikanDelivered)} dari {angka(balikan.accessesOwingBalikan)} akses wajib balikan sudah terkirim (
              {persen(balikan.deliveredShareOfOwing)}); {angka(backlogTotal)} masih tertunggak
            </td>
          </tr>
          <tr>
            <td>Pasal 3(2)(c)</td>
            <td>Tanggung jawab atas akses</td>
            <td>
              {angka(accountability.accesses)} akses, {angka(accountability.refusals)} penolakan, {angka(accountability.unusualOperatorDays)} hari operator
              tidak biasa
            </td>
          </tr>
          <tr>
            <td>Pasal 3(2)(d)</td>
            <td>Jaringan tertutup</td>
            <td>{angka(network.networkRefusals)} permintaan ditolak dari luar jaringan</td>
          </tr>
          <tr>
            <td>Pasal 3(2)(e)</td>
            <td>Semua pemegang KTP-el</td>
            <td>
              {angka(holders.outOfRegency)} akses penduduk luar kabupaten ({persen(holders.share)})
            </td>
          </tr>
          <tr>
            <td>Pasal 3(2)(f)</td>
            <td>Pembaca KTP-el</td>
            <td>
              {angka(readers.readersInService)} alat aktif, {angka(readers.readersRetired)} tidak dipakai; {angka(readers.cardReads)} pembacaan kartu
            </td>
          </tr>
          <tr>
            <td>Pasal 9(1)</td>
            <td>Laporan semester</td>
            <td>
              <span class={`badge ${reportBadge[report.status]}`}>{REPORT_STATUS[report.status]}</span> (batas {tanggal(report.dueOn)})
            </td>
          </tr>
        </tbody>
      </table>
    </Section>
  );
}

function ObligationsPerPuskesmas({ obligations }: { obligations: Obligations }) {
  const rows = obligations.puskesmas;
  const backlogOf = (r: (typeof rows)[number]) => Object.values(r.backlog).reduce((s, n) => s + n, 0);
  return (
    <Section title="Kewajiban per Puskesmas">
      <BarChart
        summary={`Akses, balikan terkirim dan balikan tertunggak di ${rows.length} fasilitas; angkanya ada di tabel di bawah grafik.`}
        labels={rows.map((r) => r.code)}
        series={[
          { label: 'Akses', values: rows.map((r) => r.accesses) },
          { label: 'Akses dengan balikan terkirim', values: rows.map((r) => r.balikan.accessesWithBalikanDelivered) },
          { label: 'Balikan tertunggak', values: rows.map(backlogOf) },
        ]}
        height={18}
      />
      <div class="scroll">
        <table data-view="per-puskesmas">
          <caption class="sr-only">Kewajiban per Puskesmas</caption>
          <thead>
            <tr>
              <th scope="col">Kode</th>
              <th scope="col">Puskesmas</th>
              <th scope="col">Akses</th>
              <th scope="col">Luar kabupaten</th>
              <th scope="col">Akses balikan terkirim / wajib</th>
              <th scope="col">Tertunggak</th>
              <th scope="col">Penolakan</th>
              <th scope="col">Hari tidak biasa</th>
              <th scope="col">Pembacaan KTP-el (cocok / tidak)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.code}>
                <td class="nowrap">{r.code}</td>
                <td>
                  {r.name}
                  <br />
                  <small class="fine">{r.kecamatan}</small>
                </td>
                <td>{angka(r.accesses)}</td>
                <td>{angka(r.outOfRegency)}</td>
                <td>
                  {angka(r.balikan.accessesWithBalikanDelivered)} / {angka(r.balikan.accessesOwingBalikan)}
                </td>
                <td>{angka(backlogOf(r))}</td>
                <td>{angka(r.refusals)}</td>
                <td>{r.unusualOperatorDays > 0 ? <span class="badge warn">{angka(r.unusualOperatorDays)}</span> : '0'}</td>
                <td>
                  {angka(r.cardReaders.matched)} / {angka(r.cardReaders.notMatched + r.cardReaders.notPerformed)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

const AGES = [
  ['upTo7Days', '≤ 7 hari'],
  ['upTo30Days', '8–30 hari'],
  ['upTo90Days', '31–90 hari'],
  ['over90Days', '> 90 hari'],
] as const;

function BacklogByAge({ rows }: { rows: BacklogRow[] }) {
  const totals = AGES.map(([key]) => rows.reduce((s, r) => s + r.backlog[key], 0));
  const owing = rows.filter((r) => r.total > 0);
  return (
    <Section title="Tunggakan balikan menurut umur">
      <BarChart
        summary={`Tunggakan balikan menurut umur: ${AGES.map(([, label], i) => `${label} ${totals[i]}`).join(', ')}.`}
        labels={AGES.map(([, label]) => label)}
        series={[{ label: 'Akses tanpa balikan terkirim', values: totals, colour: ['#0b6b4f', '#c77d05', '#d4581c', '#a61b1b'] }]}
      />
      <p data-view="backlog-summary">
        {AGES.map(([, label], i) => `${label}: ${angka(totals[i])}`).join(' · ')}. Seluruhnya {angka(totals.reduce((s, n) => s + n, 0))} akses.
      </p>
      {owing.length === 0 ? (
        <p>Tidak ada Puskesmas yang menunggak balikan.</p>
      ) : (
        <table>
          <caption class="sr-only">Tunggakan balikan per Puskesmas</caption>
          <thead>
            <tr>
              <th scope="col">Puskesmas</th>
              {AGES.map(([key, label]) => (
                <th key={key} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {owing.map((r) => (
              <tr key={r.facilityId}>
                <td>{r.name}</td>
                {AGES.map(([key]) => (
                  <td key={key}>{angka(r.backlog[key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function RefusalsByReason({ refusals }: { refusals: Refusals }) {
  const total = refusals.byReason.reduce((s, r) => s + r.count, 0);
  return (
    <Section title="Penolakan menurut alasan">
      {total === 0 ? (
        <p>Tidak ada permintaan yang ditolak pada periode ini.</p>
      ) : (
        <>
          <BarChart
            summary={`Penolakan menurut alasan, seluruhnya ${total}: ${refusals.byReason.map((r) => `${r.label} ${r.count}`).join(', ')}.`}
            labels={refusals.byReason.map((r) => r.label)}
            series={[{ label: 'Penolakan', values: refusals.byReason.map((r) => r.count), colour: COLOURS[2] }]}
            horizontal
          />
          <table data-view="refusals">
            <caption class="sr-only">Penolakan per Puskesmas dan alasan</caption>
            <thead>
              <tr>
                <th scope="col">Puskesmas</th>
                <th scope="col">Alasan</th>
                <th scope="col">Jumlah</th>
              </tr>
            </thead>
            <tbody>
              {refusals.byPuskesmas.map((r) => (
                <tr key={`${r.code}-${r.reason}`}>
                  <td>{r.name}</td>
                  <td>{refusals.byReason.find((x) => x.reason === r.reason)?.label ?? r.reason}</td>
                  <td>{angka(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

function Activity({ activity }: { activity: OperatorActivity }) {
  const perDay = new Map<string, { accesses: number; unusual: boolean }>();
  for (const d of activity.days) {
    const day = perDay.get(d.day) ?? { accesses: 0, unusual: false };
    perDay.set(d.day, { accesses: day.accesses + d.accesses, unusual: day.unusual || d.unusual });
  }
  const days = [...perDay].sort(([a], [b]) => a.localeCompare(b));
  const unusual = activity.days.filter((d) => d.unusual);
  const { rule } = activity;
  return (
    <Section title="Aktivitas operator">
      <p class="fine">
        Hari tidak biasa: lebih dari {angka(rule.dailyLimit)} akses sehari, atau (dengan sedikitnya {rule.minimumHistoryDays} hari aktif dalam{' '}
        {rule.historyWindowDays} hari sebelumnya) lebih dari {rule.medianFactor}× median operator itu dan sedikitnya {rule.minimumAccesses} akses.
      </p>
      {days.length === 0 ? (
        <p>Belum ada akses pada periode ini.</p>
      ) : (
        <BarChart
          summary={`Akses per hari oleh semua operator pada ${days.length} hari; ${unusual.length} hari operator tidak biasa, ditandai merah.`}
          labels={days.map(([day]) => tanggal(day))}
          series={[{ label: 'Akses per hari', values: days.map(([, d]) => d.accesses), colour: days.map(([, d]) => (d.unusual ? COLOURS[2]! : COLOURS[0]!)) }]}
        />
      )}
      <p data-view="activity-summary">
        {angka(activity.days.reduce((s, d) => s + d.accesses, 0))} akses oleh {angka(new Set(activity.days.map((d) => d.operatorId)).size)} operator pada{' '}
        {angka(days.length)} hari; {angka(unusual.length)} hari operator tidak biasa.
      </p>
      {unusual.length > 0 && (
        <table data-view="unusual-days">
          <caption class="sr-only">Hari operator yang tidak biasa</caption>
          <thead>
            <tr>
              <th scope="col">Tanggal</th>
              <th scope="col">Operator (id)</th>
              <th scope="col">Puskesmas</th>
              <th scope="col">Akses</th>
              <th scope="col">Median</th>
              <th scope="col">Alasan</th>
            </tr>
          </thead>
          <tbody>
            {unusual.map((d) => (
              <tr key={`${d.operatorId}-${d.day}`}>
                <td>{tanggal(d.day)}</td>
                <td>
                  <code>{d.operatorId.slice(0, 8)}</code>
                </td>
                <td>{d.puskesmas ?? '—'}</td>
                <td>{angka(d.accesses)}</td>
                <td>{d.median === null ? '—' : angka(d.median)}</td>
                <td>{d.reasons.map((r) => UNUSUAL_REASONS[r] ?? r).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function CardReaders({ readers }: { readers: CardReader[] }) {
  const name = (r: CardReader) => `${r.puskesmas?.code ?? '—'} · ${r.readerId.slice(0, 8)}`;
  return (
    <Section title="Pembaca KTP-el">
      {readers.length === 0 ? (
        <p>Belum ada alat pembaca KTP-el yang terdaftar.</p>
      ) : (
        <>
          <BarChart
            summary={`Pembacaan KTP-el menurut hasil sidik jari pada ${readers.length} alat; angkanya ada di tabel.`}
            labels={readers.map(name)}
            series={[
              { label: 'Cocok', values: readers.map((r) => r.reads.matched) },
              { label: 'Tidak cocok', values: readers.map((r) => r.reads.notMatched), colour: COLOURS[2] },
              { label: 'Tidak diverifikasi', values: readers.map((r) => r.reads.notPerformed), colour: COLOURS[1] },
            ]}
            stacked
          />
          <table data-view="card-readers">
            <caption class="sr-only">Alat pembaca KTP-el</caption>
            <thead>
              <tr>
                <th scope="col">Alat</th>
                <th scope="col">Status</th>
                <th scope="col">Cocok / tidak cocok / tidak diverifikasi</th>
              </tr>
            </thead>
            <tbody>
              {readers.map((r) => (
                <tr key={r.readerId}>
                  <td>
                    {name(r)}
                    <br />
                    <small class="fine">terdaftar {tanggal(r.registeredAt)}</small>
                  </td>
                  <td>{r.inService ? <span class="badge ok">Aktif</span> : <span class="badge">Tidak dipakai sejak {tanggal(r.retiredAt)}</span>}</td>
                  <td>
                    {angka(r.reads.matched)} / {angka(r.reads.notMatched)} / {angka(r.reads.notPerformed)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

function ReportsOnTime({ reports }: { reports: ReportDue[] }) {
  const statuses = ['SUBMITTED_ON_TIME', 'SUBMITTED_LATE', 'OVERDUE', 'NOT_YET_DUE'] as const;
  const counts = statuses.map((s) => reports.filter((r) => r.status === s).length);
  return (
    <Section title="Laporan semester: tepat waktu atau terlambat">
      <BarChart
        summary={`Laporan semester: ${statuses.map((s, i) => `${REPORT_STATUS[s]} ${counts[i]}`).join(', ')}.`}
        labels={statuses.map((s) => REPORT_STATUS[s])}
        series={[{ label: 'Semester', values: counts, colour: [COLOURS[0]!, COLOURS[1]!, COLOURS[2]!, COLOURS[5]!] }]}
        height={12}
      />
      <table data-view="reports">
        <caption class="sr-only">Laporan setiap semester</caption>
        <thead>
          <tr>
            <th scope="col">Semester</th>
            <th scope="col">Batas</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {[...reports].reverse().map((r) => (
            <tr key={`${r.year}-${r.semester}`}>
              <td>{semesterName(r)}</td>
              <td>{tanggal(r.dueOn)}</td>
              <td>
                <span class={`badge ${reportBadge[r.status]}`}>{REPORT_STATUS[r.status]}</span>
                {r.submissions[0] && <small class="fine"> {tanggal(r.submissions[r.submissions.length - 1]!.submittedAt)}</small>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
