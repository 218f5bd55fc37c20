import type { AccessAnswer, Person } from '../../api/answers';
import { Notice, Section, tanggal } from '../../ui/kit';
import { BalikanForm } from './balikan-form';

/** The nine agreed fields (Pasal 3(1)(a)), only those the agreement in force granted, as the answer gave them. */
export function PersonCard({ person }: { person: Person }) {
  const a = person.address;
  const rows: [string, string | undefined][] = [
    ['NIK', person.nik],
    ['Nomor KK', person.kkNumber],
    ['Nama lengkap', person.fullName],
    ['Jenis kelamin', person.sex],
    ['Tempat lahir', person.birthPlace],
    ['Tanggal lahir', person.birthDate && tanggal(person.birthDate)],
    ['Pekerjaan', person.occupation],
    ['Status perkawinan', person.maritalStatus],
    ['Alamat', a ? [a.street, a.rt && `RT ${a.rt}`, a.rw && `RW ${a.rw}`, a.village, a.district, a.regency, a.province].filter(Boolean).join(', ') : undefined],
  ];
  return (
    <dl class="person" data-person>
      {rows
        .filter(([, value]) => value !== undefined)
        .map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** What a lookup or a card read found: the person as granted, the access id, and the balikan form for that access. */
export function AccessResult({ nik, answer }: { nik: string; answer: AccessAnswer }) {
  return (
    <Section title={answer.outcome === 'DECEASED' ? 'Penduduk tercatat meninggal dunia' : 'Data penduduk'}>
      {answer.outcome === 'DECEASED' && <Notice>Database kependudukan mencatat penduduk ini telah meninggal dunia.</Notice>}
      {answer.person ? <PersonCard person={answer.person} /> : <p>Tidak ada kolom yang diberikan oleh perjanjian yang berlaku.</p>}
      <p class="fine">
        Nomor akses: <code>{answer.accessId}</code>. Data ini hanya ditampilkan, tidak disimpan oleh sistem.
      </p>
      <BalikanForm accessId={answer.accessId} nik={nik} verificationToken={answer.verificationToken} />
    </Section>
  );
}
