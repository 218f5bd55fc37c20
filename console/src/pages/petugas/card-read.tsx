import { useEffect, useState } from 'preact/hooks';
import { api, answer, ApiError } from '../../api/client';
import type { AccessAnswer } from '../../api/answers';
import { Field, Form, Problem, Section, SelectField, useAction } from '../../ui/kit';
import { AccessResult } from './person';

const fingerprints = [
  ['MATCHED', 'Cocok'],
  ['NOT_MATCHED', 'Tidak cocok'],
  ['NOT_PERFORMED', 'Tidak dilakukan'],
] as const;
type Fingerprint = (typeof fingerprints)[number][0];

/**
 * Baca KTP-el: what the card reader at the desk reports (its id, the NIK read from the chip, the result of
 * the 1:1 fingerprint check) recorded as a card read; the answer shown as on the lookup page, and kept in
 * this component's state only.
 */
export function CardReadPage() {
  const [readerId, setReaderId] = useState('');
  const [nik, setNik] = useState('');
  const [fingerprint, setFingerprint] = useState<Fingerprint>('MATCHED');
  const [found, setFound] = useState<{ nik: string; answer: AccessAnswer } | null>(null);
  const { busy, error, run, setError } = useAction(async () => {
    setFound(null);
    const result = await answer<AccessAnswer>(api.POST('/v1/access/card-reads', { body: { readerId: readerId.trim(), nik, fingerprint } }));
    setFound({ nik, answer: result });
    setNik('');
  });
  const clear = () => {
    setFound(null);
    setNik('');
    setError(null);
  };
  useEffect(() => clear, []);
  const refusedAccess = error instanceof ApiError && typeof error.details.accessId === 'string' ? error.details.accessId : null;

  return (
    <>
      <Section title="Baca KTP-el dengan alat pembaca">
        <p class="fine">Isian ini biasanya diisi oleh alat pembaca KTP-el setelah pemeriksaan sidik jari pemilik kartu.</p>
        <Form onSubmit={() => void run()}>
          <Field
            label="ID alat pembaca KTP-el"
            value={readerId}
            onInput={(e) => setReaderId(e.currentTarget.value)}
            required
            hint="Tertera pada alat pembaca yang terdaftar untuk Puskesmas Anda"
          />
          <Field
            label="NIK dari chip KTP-el"
            value={nik}
            onInput={(e) => setNik(e.currentTarget.value.replace(/\D/g, ''))}
            inputMode="numeric"
            maxLength={16}
            pattern="\d{16}"
            required
            hint="16 angka"
          />
          <SelectField
            label="Hasil pemeriksaan sidik jari"
            options={fingerprints}
            value={fingerprint}
            onChange={(e) => setFingerprint(e.currentTarget.value as Fingerprint)}
          />
          <Problem error={error} />
          {error instanceof ApiError && error.code === 'FINGERPRINT_NOT_MATCHED' && (
            <p>
              Ulangi pemeriksaan sidik jari pemilik kartu. Bila tetap tidak cocok, kartu ini mungkin bukan milik orang yang hadir: data kependudukannya tidak
              ditampilkan.
            </p>
          )}
          {refusedAccess && (
            <p class="fine">
              Penolakan ini tetap tercatat dengan nomor akses <code>{refusedAccess}</code>.
            </p>
          )}
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Memproses…' : 'Proses KTP-el'}
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
