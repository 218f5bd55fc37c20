import type { Person } from '../../api/answers';

/** The nine agreed fields (Pasal 3(1)(a)), only those the agreement in force granted, as the answer gave them. */
export function PersonCard({ person }: { person: Person }) {
  const a = person.address;
  const rows: [string, string | undefined][] = [
    ['NIK', person.nik],
    ['Nomor KK', person.kkNumber],
    ['Nama lengkap', person.fullName],
    ['Jenis kelamin', person.sex],
    ['Tempat lahir', person.birthPlace],
    ['Tanggal lahir', person.birthDate],
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
