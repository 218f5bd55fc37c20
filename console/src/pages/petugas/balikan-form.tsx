import { useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import type { BalikanAccepted } from '../../api/answers';
import { statusText } from './balikan-status';
import { Field, Form, Notice, Problem, SelectField, useAction, uuid } from '../../ui/kit';
import { rememberBalikan } from './sent-balikan';

const bloodTypes = [
  ['', '— tidak diisi —'],
  ...(['A', 'B', 'AB', 'O', 'A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-', 'TIDAK TAHU'] as const).map((t) => [t, t] as const),
] as const;
type BloodType = Exclude<(typeof bloodTypes)[number][0], ''>;

/** Data balikan (Pasal 4) for the access just made: sent to the gateway, which seals and delivers it. */
export function BalikanForm({ accessId, nik, verificationToken }: { accessId: string; nik: string; verificationToken: string }) {
  const [medicalRecordNumber, setMrn] = useState('');
  const [bloodType, setBloodType] = useState<BloodType | ''>('');
  const [deathCertificateNumber, setDeath] = useState('');
  const [sent, setSent] = useState<BalikanAccepted | null>(null);
  // One key per form: a second click or a retry after a lost answer records the balikan once.
  const [idempotencyKey] = useState(uuid);
  const { busy, error, run } = useAction(async () => {
    const body = {
      accessId,
      nik,
      verificationToken,
      ...(medicalRecordNumber ? { medicalRecordNumber } : {}),
      ...(bloodType ? { bloodType } : {}),
      ...(deathCertificateNumber ? { deathCertificateNumber } : {}),
    };
    const accepted = await answer<BalikanAccepted>(api.POST('/v1/balikan', { body, headers: { 'idempotency-key': idempotencyKey } }));
    rememberBalikan(accepted.balikanId);
    setSent(accepted);
    setMrn('');
    setBloodType('');
    setDeath('');
  });
  if (sent)
    return (
      <Notice>
        Data balikan diterima dan akan dikirim ke Disdukcapil. Nomor balikan: <code>{sent.balikanId}</code> (
        {statusText[sent.status as keyof typeof statusText]?.[0].toLowerCase() ?? sent.status}). Lihat perkembangannya di menu Status balikan.
      </Notice>
    );
  return (
    <Form class="balikan" onSubmit={() => void run()}>
      <h3>Kirim data balikan</h3>
      <Field label="Nomor rekam medis" value={medicalRecordNumber} onInput={(e) => setMrn(e.currentTarget.value)} />
      <SelectField label="Golongan darah" options={bloodTypes} value={bloodType} onChange={(e) => setBloodType(e.currentTarget.value as BloodType | '')} />
      <Field label="Nomor akta kematian" value={deathCertificateNumber} onInput={(e) => setDeath(e.currentTarget.value)} />
      <Problem error={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Mengirim…' : 'Kirim data balikan'}
      </button>
    </Form>
  );
}
