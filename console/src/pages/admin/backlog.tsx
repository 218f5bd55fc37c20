import { api, answer } from '../../api/client';
import { Problem, Section, angka } from '../../ui/kit';
import type { BacklogRow } from '../shared/answers';
import { Loading, useLoaded } from '../shared/common';

const buckets = [
  ['upTo7Days', '≤ 7 hari'],
  ['upTo30Days', '8–30 hari'],
  ['upTo90Days', '31–90 hari'],
  ['over90Days', '> 90 hari'],
] as const;

/**
 * Tunggakan balikan: accesses that found a person and still owe a delivered data balikan (Pasal 4), per
 * Puskesmas and by age. Counts only: no access id and no person.
 */
export function BacklogPage() {
  const { data, error, reload } = useLoaded(() => answer<BacklogRow[]>(api.GET('/v1/compliance/balikan-backlog')));
  if (error) return <Problem error={error} />;
  if (!data) return <Loading />;
  const sum = (pick: (r: BacklogRow) => number) => data.reduce((s, r) => s + pick(r), 0);
  const total = sum((r) => r.total);
  return (
    <Section title="Akses yang belum dibalas dengan data balikan">
      <p>
        {total === 0
          ? 'Tidak ada tunggakan: setiap akses yang menemukan penduduk sudah dibalas dengan data balikan yang terkirim.'
          : `${angka(total)} akses menemukan penduduk tetapi data balikannya belum terkirim ke Disdukcapil.`}
      </p>
      <div class="actions page-tools">
        <button type="button" class="secondary" onClick={() => void reload()}>
          Muat ulang
        </button>
      </div>
      <table>
        <caption class="fine">Jumlah akses per Puskesmas menurut umur tunggakan (sejak akses dilakukan)</caption>
        <thead>
          <tr>
            <th scope="col">Puskesmas</th>
            <th scope="col">Kecamatan</th>
            {buckets.map(([key, label]) => (
              <th key={key} scope="col" class="num">
                {label}
              </th>
            ))}
            <th scope="col" class="num">
              Jumlah
            </th>
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={r.facilityId}>
              <td>
                {r.name} <small>({r.code})</small>
              </td>
              <td>{r.kecamatan}</td>
              {buckets.map(([key]) => (
                <td key={key} class="num">
                  {angka(r.backlog[key])}
                </td>
              ))}
              <td class="num">{angka(r.total)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={2}>Seluruh Puskesmas</td>
            {buckets.map(([key]) => (
              <td key={key} class="num">
                {angka(sum((r) => r.backlog[key]))}
              </td>
            ))}
            <td class="num">{angka(total)}</td>
          </tr>
        </tfoot>
      </table>
    </Section>
  );
}
