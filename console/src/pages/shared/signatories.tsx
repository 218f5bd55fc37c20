import { useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import type { Session } from '../../session';
import { Field, Form, Notice, Problem, Section, SelectField, tanggal, useAction, waktu } from '../../ui/kit';
import type { Account } from './answers';
import { Loading, NotYetUpdated, todayWib, useLoaded } from './common';

type Party = 'DINKES' | 'DISDUKCAPIL';

/** Golongan ruang with the pangkat each carries, as the gateway prints them (PP 99/2000). */
export const RANKS = {
  'I/a': 'Juru Muda',
  'I/b': 'Juru Muda Tingkat I',
  'I/c': 'Juru',
  'I/d': 'Juru Tingkat I',
  'II/a': 'Pengatur Muda',
  'II/b': 'Pengatur Muda Tingkat I',
  'II/c': 'Pengatur',
  'II/d': 'Pengatur Tingkat I',
  'III/a': 'Penata Muda',
  'III/b': 'Penata Muda Tingkat I',
  'III/c': 'Penata',
  'III/d': 'Penata Tingkat I',
  'IV/a': 'Pembina',
  'IV/b': 'Pembina Tingkat I',
  'IV/c': 'Pembina Utama Muda',
  'IV/d': 'Pembina Utama Madya',
  'IV/e': 'Pembina Utama',
} as const;
export type Golongan = keyof typeof RANKS;

/** One appointment as GET /v1/signatories lists it (ListSignatoriesHandler). */
export interface Appointment {
  name: string;
  nip: string;
  /** "Pembina Utama Muda (IV/c)" */
  rank: string;
  golongan: Golongan;
  position: string;
  effectiveFrom: string;
  recordedBy: string;
  recordedAt: string;
}

export interface PartySignatories {
  party: Party;
  current: Appointment | null;
  history: Appointment[];
}

/** POST /v1/signatories answers what it recorded (201) or that nothing changed (200). */
interface Appointed {
  recorded: boolean;
  party: Party;
  effectiveFrom: string;
}

const partyName: Record<Party, string> = { DINKES: 'Dinas Kesehatan', DISDUKCAPIL: 'Disdukcapil' };
const documentOf: Record<Party, string> = {
  DINKES: 'laporan semester kepada Disdukcapil',
  DISDUKCAPIL: 'ringkasan semester kepada Bupati',
};

/** A NIP grouped as printed under a signature: birth date, TMT, sex, serial (19700101 199503 1 001). */
export const nipGrouped = (nip: string) => {
  const m = /^(\d{8})(\d{6})(\d)(\d{3})$/.exec(nip);
  return m ? `${m[1]} ${m[2]} ${m[3]} ${m[4]}` : nip;
};

/**
 * Penandatangan: who signs the documents of the caller's party (name, NIP, pangkat/golongan, jabatan, from
 * which day), the history of appointments, and a form to record the next one. The other party's signatory
 * appears on the joint documents too, so it is shown, read-only.
 */
export function SignatoriesPage({ session }: { session: Session }) {
  const own: Party = session.role === 'DUKCAPIL_AUDITOR' ? 'DISDUKCAPIL' : 'DINKES';
  const other: Party = own === 'DINKES' ? 'DISDUKCAPIL' : 'DINKES';
  const { data, error, reload, stale } = useLoaded(async () => {
    const [registers, accounts] = await Promise.all([
      answer<PartySignatories[]>(api.GET('/v1/signatories')),
      // Who recorded an appointment is an operator id; the party's own accounts give it a user id.
      answer<Account[]>(api.GET('/v1/operators')).catch(() => [] as Account[]),
    ]);
    return { registers, accounts };
  });
  if (error) return <Problem error={error} />;
  if (!data) return <Loading />;
  const register = (party: Party) => data.registers.find((r) => r.party === party) ?? { party, current: null, history: [] };
  const userIdOf = new Map(data.accounts.flatMap((a) => (a.userId ? [[a.operatorId, a.userId] as const] : [])));
  const mine = register(own);
  return (
    <>
      <Section title={`Penandatangan ${partyName[own]} yang berlaku`}>
        <p class="fine">Dicetak di bawah tanda tangan pada {documentOf[own]}.</p>
        <Official appointment={mine.current} />
      </Section>
      <RecordSignatory
        party={own}
        onRecorded={(sent) =>
          reload((fresh) =>
            fresh.registers.some(
              (r) => r.party === own && r.history.some((a) => a.nip === sent.nip && a.name === sent.name && a.effectiveFrom === sent.effectiveFrom),
            ),
          )
        }
      />
      <Section title={`Riwayat penandatangan ${partyName[own]}`}>
        <NotYetUpdated stale={stale} reload={() => void reload()} />
        <History history={mine.history} userIdOf={userIdOf} />
      </Section>
      <Section title={`Penandatangan ${partyName[other]} (hanya dilihat)`}>
        <p class="fine">Dicatat oleh {partyName[other]} sendiri; tampil di sini karena ikut tercetak pada dokumen bersama.</p>
        <Official appointment={register(other).current} />
      </Section>
    </>
  );
}

function Official({ appointment: a }: { appointment: Appointment | null }) {
  if (!a) return <p>Belum ada penandatangan yang berlaku. Dokumen mencetak tempat tanda tangan yang kosong.</p>;
  return (
    <dl class="facts-grid" data-signatory={a.nip}>
      <div>
        <dt>Nama</dt>
        <dd>{a.name}</dd>
      </div>
      <div>
        <dt>NIP</dt>
        <dd>{nipGrouped(a.nip)}</dd>
      </div>
      <div>
        <dt>Pangkat/golongan</dt>
        <dd>{a.rank}</dd>
      </div>
      <div>
        <dt>Jabatan</dt>
        <dd>{a.position}</dd>
      </div>
      <div>
        <dt>Berlaku sejak</dt>
        <dd>{tanggal(a.effectiveFrom)}</dd>
      </div>
    </dl>
  );
}

function History({ history, userIdOf }: { history: Appointment[]; userIdOf: Map<string, string> }) {
  if (history.length === 0) return <p>Belum ada penandatangan yang dicatat.</p>;
  return (
    <div class="scroll">
      <table>
        <caption class="sr-only">Riwayat penandatangan, terbaru lebih dahulu</caption>
        <thead>
          <tr>
            <th scope="col">Berlaku sejak</th>
            <th scope="col">Nama</th>
            <th scope="col">NIP</th>
            <th scope="col">Pangkat/golongan</th>
            <th scope="col">Jabatan</th>
            <th scope="col">Dicatat</th>
          </tr>
        </thead>
        <tbody>
          {[...history].reverse().map((a) => (
            <tr key={`${a.recordedAt}-${a.nip}`} data-appointment={a.nip}>
              <td>{tanggal(a.effectiveFrom)}</td>
              <td>{a.name}</td>
              <td>{nipGrouped(a.nip)}</td>
              <td>{a.rank}</td>
              <td>{a.position}</td>
              <td>
                {waktu(a.recordedAt)}
                {userIdOf.has(a.recordedBy) && <small class="fine"> oleh {userIdOf.get(a.recordedBy)}</small>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Sent {
  name: string;
  nip: string;
  effectiveFrom: string;
}

function RecordSignatory({ party, onRecorded }: { party: Party; onRecorded: (sent: Sent) => Promise<void> }) {
  const [name, setName] = useState('');
  const [nip, setNip] = useState('');
  const [golongan, setGolongan] = useState<Golongan | ''>('');
  const [position, setPosition] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState(todayWib);
  const [done, setDone] = useState('');
  const { busy, error, run } = useAction(async () => {
    setDone('');
    if (!golongan) return;
    const sent = { name: name.trim(), nip: nip.replace(/\s+/g, ''), effectiveFrom };
    const result = await answer<Appointed>(
      api.POST('/v1/signatories', { body: { party, name: sent.name, nip: sent.nip, golongan, position: position.trim(), effectiveFrom } }),
    );
    setDone(
      result.recorded
        ? `${sent.name} tercatat sebagai penandatangan ${partyName[party]} sejak ${tanggal(result.effectiveFrom)}.`
        : `${sent.name} sudah tercatat sebagai penandatangan ${partyName[party]}; tidak ada yang berubah.`,
    );
    setName('');
    setNip('');
    setGolongan('');
    setPosition('');
    await onRecorded(sent);
  });
  const ranks = Object.entries(RANKS).map(([g, pangkat]) => [g, `${pangkat} (${g})`] as const);
  return (
    <Section title="Catat penandatangan baru">
      <p class="fine">
        Penandatangan baru menggantikan yang lama mulai tanggal berlakunya; dokumen hari-hari sebelumnya tetap memuat penandatangan lama. Pencatatan ulang pada
        tanggal yang sama membetulkan catatan hari itu.
      </p>
      <Form onSubmit={() => void run()}>
        <div class="grid-2">
          <Field
            label="Nama dan gelar"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            required
            maxLength={120}
            hint="Seperti dicetak di bawah tanda tangan, contoh dr. Purwati, M.Kes."
          />
          <Field
            label="NIP"
            value={nip}
            onInput={(e) => setNip(e.currentTarget.value.replace(/[^0-9 ]/g, ''))}
            required
            inputMode="numeric"
            pattern="[0-9 ]{18,21}"
            maxLength={21}
            hint="18 angka, boleh berspasi: 19700101 199503 1 001"
          />
          <SelectField
            label="Pangkat/golongan"
            options={[['', 'Pilih pangkat/golongan'], ...ranks]}
            value={golongan}
            required
            onChange={(e) => setGolongan(e.currentTarget.value as Golongan | '')}
          />
          <Field
            label="Jabatan"
            value={position}
            onInput={(e) => setPosition(e.currentTarget.value)}
            required
            maxLength={160}
            hint={party === 'DINKES' ? 'Contoh: Kepala Dinas Kesehatan Kabupaten Karanganyar' : 'Contoh: Kepala Dinas Kependudukan dan Pencatatan Sipil'}
          />
          <Field label="Berlaku sejak" type="date" value={effectiveFrom} onInput={(e) => setEffectiveFrom(e.currentTarget.value)} required />
        </div>
        <Problem error={error} />
        {done && <Notice>{done}</Notice>}
        <button type="submit" disabled={busy}>
          Catat penandatangan
        </button>
      </Form>
    </Section>
  );
}
