import { useEffect, useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import type { AccessAnswer } from '../../api/answers';
import { Field, Form, Problem, Section, SelectField, useAction } from '../../ui/kit';
import { AccessResult } from './person';

const purposes = [
  ['REGISTRATION', 'Pendaftaran pasien'],
  ['ADMISSION', 'Rawat inap'],
  ['REFERRAL', 'Rujukan'],
  ['DEATH_RECORD', 'Pencatatan kematian'],
  ['OTHER', 'Lainnya'],
] as const;

/**
 * Cari NIK: the front desk's lookup. The answer lives in this component's state only, and is dropped
 * when the clerk clears it, leaves the page, signs out or is signed out for idleness.
 */
export function LookupPage() {
  const [nik, setNik] = useState('');
  const [purpose, setPurpose] = useState<(typeof purposes)[number][0]>('REGISTRATION');
  const [found, setFound] = useState<{ nik: string; answer: AccessAnswer } | null>(null);
  const { busy, error, run, setError } = useAction(async () => {
    setFound(null);
    const result = await answer<AccessAnswer>(api.POST('/v1/access/nik-lookups', { body: { nik, purpose } }));
    setFound({ nik, answer: result });
    setNik('');
  });
  const clear = () => {
    setFound(null);
    setNik('');
    setError(null);
  };
  useEffect(() => clear, []);

  return (
    <>
      <Section title="Cari data penduduk berdasarkan NIK">
        <Form onSubmit={() => void run()}>
          <Field
            label="NIK"
            value={nik}
            onInput={(e) => setNik(e.currentTarget.value.replace(/\D/g, ''))}
            inputMode="numeric"
            maxLength={16}
            pattern="\d{16}"
            required
            hint="16 angka, tanpa spasi"
          />
          <SelectField label="Keperluan" options={purposes} value={purpose} onChange={(e) => setPurpose(e.currentTarget.value as typeof purpose)} />
          <Problem error={error} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Mencari…' : 'Cari'}
            </button>
            {(found || error) && (
              <button type="button" class="secondary" onClick={clear}>
                Bersihkan
              </button>
            )}
          </div>
        </Form>
      </Section>
      {found && <AccessResult nik={found.nik} answer={found.answer} />}
    </>
  );
}
