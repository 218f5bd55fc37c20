import { useEffect, useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import { angka, Field, Form, Problem, Section, useAction } from '../../ui/kit';
import { sentBalikan } from './sent-balikan';

/** GET /v1/balikan/{id}: where a balikan stands, never its values. */
interface BalikanStatusView {
  balikanId: string;
  accessId: string;
  status: 'QUEUED' | 'FAILED_RETRYING' | 'DELIVERED' | 'ABANDONED';
  attempts: number;
  kinds: ('MEDICAL_RECORD_NUMBER' | 'BLOOD_TYPE' | 'DEATH_CERTIFICATE_NUMBER')[];
}

export const statusText: Record<BalikanStatusView['status'], [string, 'ok' | 'warn' | 'bad' | '']> = {
  QUEUED: ['Dalam antrean pengiriman', ''],
  FAILED_RETRYING: ['Gagal terkirim, dicoba lagi otomatis', 'warn'],
  DELIVERED: ['Terkirim ke Disdukcapil', 'ok'],
  ABANDONED: ['Tidak terkirim dalam batas waktu; datanya telah dihapus', 'bad'],
};
const kindText: Record<BalikanStatusView['kinds'][number], string> = {
  MEDICAL_RECORD_NUMBER: 'nomor rekam medis',
  BLOOD_TYPE: 'golongan darah',
  DEATH_CERTIFICATE_NUMBER: 'nomor akta kematian',
};

function StatusRow({ view }: { view: BalikanStatusView }) {
  const [text, tone] = statusText[view.status] ?? [view.status, ''];
  return (
    <tr data-balikan={view.balikanId}>
      <td>
        <code>{view.balikanId}</code>
      </td>
      <td>{view.kinds.map((k) => kindText[k] ?? k).join(', ')}</td>
      <td>
        <span class={`badge ${tone}`}>{text}</span>
      </td>
      <td>{angka(view.attempts)}</td>
    </tr>
  );
}

/**
 * Status balikan: the balikan this clerk sent in this session (ids in memory only) and any other typed in,
 * each with its delivery status in Indonesian.
 */
export function BalikanStatusPage() {
  const [views, setViews] = useState<BalikanStatusView[]>([]);
  const [typed, setTyped] = useState('');
  const statusOf = (id: string) => answer<BalikanStatusView>(api.GET('/v1/balikan/{id}', { params: { path: { id } } }));

  const refresh = useAction(async () => {
    setViews(await Promise.all(sentBalikan().map(statusOf)));
  });
  useEffect(() => {
    void refresh.run();
  }, []);
  const lookUp = useAction(async () => {
    const view = await statusOf(typed.trim().toLowerCase());
    setViews((shown) => [view, ...shown.filter((v) => v.balikanId !== view.balikanId)]);
    setTyped('');
  });

  return (
    <>
      <Section title="Data balikan yang dikirim">
        <Problem error={refresh.error} />
        {views.length === 0 ? (
          <p>Belum ada data balikan yang dikirim dalam sesi ini. Daftar ini hilang ketika Anda keluar.</p>
        ) : (
          <table>
            <caption class="fine">Status pengiriman; isi data balikan tidak pernah ditampilkan.</caption>
            <thead>
              <tr>
                <th scope="col">Nomor balikan</th>
                <th scope="col">Berisi</th>
                <th scope="col">Status</th>
                <th scope="col">Percobaan kirim</th>
              </tr>
            </thead>
            <tbody>
              {views.map((v) => (
                <StatusRow key={v.balikanId} view={v} />
              ))}
            </tbody>
          </table>
        )}
        <div class="actions">
          <button type="button" class="secondary" disabled={refresh.busy} onClick={() => void refresh.run()}>
            {refresh.busy ? 'Memuat…' : 'Perbarui status'}
          </button>
        </div>
      </Section>
      <Section title="Cari status balikan lain">
        <Form onSubmit={() => void lookUp.run()}>
          <Field
            label="Nomor balikan"
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
            required
            hint="36 karakter, tertera saat data balikan diterima"
          />
          <Problem error={lookUp.error} />
          <div class="actions">
            <button type="submit" disabled={lookUp.busy}>
              Cari status
            </button>
          </div>
        </Form>
      </Section>
    </>
  );
}
