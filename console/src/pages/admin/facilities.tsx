import { useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import { Field, Form, Notice, Problem, Section, SelectField, useAction } from '../../ui/kit';
import type { CardReader, Facility } from '../shared/answers';
import { Badge, ConfirmButton, Loading, NotYetUpdated, useLoaded } from '../shared/common';

/**
 * Puskesmas & alat baca KTP-el: the Puskesmas of the agreement (with Dinkes itself) and the KTP-el card
 * readers of each (Pasal 1(8), 3(2)(f)); register a reader by its SAM serial, retire one for good.
 */
export function FacilitiesPage() {
  const { data, error, reload, stale } = useLoaded(async () => {
    const [facilities, readers] = await Promise.all([answer<Facility[]>(api.GET('/v1/facilities')), answer<CardReader[]>(api.GET('/v1/card-readers'))]);
    return { facilities, readers };
  });
  if (error) return <Problem error={error} />;
  if (!data) return <Loading />;
  const puskesmas = data.facilities.filter((f) => f.kind === 'PUSKESMAS');
  const nameOf = new Map(data.facilities.map((f) => [f.facilityId, f.name]));
  const inUse = (facilityId: string) => data.readers.filter((r) => r.facilityId === facilityId && !r.retired).length;
  return (
    <>
      <RegisterReader puskesmas={puskesmas} onRegistered={(reader) => reload((fresh) => fresh.readers.some((r) => r.readerId === reader.readerId))} />
      <Section title="Alat baca KTP-el">
        <NotYetUpdated stale={stale} reload={() => void reload()} />
        {data.readers.length === 0 ? (
          <p>Belum ada alat baca KTP-el yang terdaftar.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Nomor seri SAM</th>
                <th scope="col">ID alat (untuk aplikasi pembaca)</th>
                <th scope="col">Puskesmas</th>
                <th scope="col">Status</th>
                <th scope="col">Tindakan</th>
              </tr>
            </thead>
            <tbody>
              {data.readers.map((reader) => (
                <ReaderRow
                  key={reader.readerId}
                  reader={reader}
                  facilityName={nameOf.get(reader.facilityId) ?? '—'}
                  onRetired={() => reload((fresh) => fresh.readers.some((r) => r.readerId === reader.readerId && r.retired))}
                />
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Puskesmas">
        <table>
          <thead>
            <tr>
              <th scope="col">Kode</th>
              <th scope="col">Nama</th>
              <th scope="col">Kode kecamatan</th>
              <th scope="col" class="num">
                Alat baca aktif
              </th>
            </tr>
          </thead>
          <tbody>
            {data.facilities.map((f) => (
              <tr key={f.facilityId}>
                <td>{f.code}</td>
                <td>{f.name}</td>
                <td>{f.kecamatanCode}</td>
                <td class="num">{f.kind === 'PUSKESMAS' ? inUse(f.facilityId) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}

function RegisterReader({ puskesmas, onRegistered }: { puskesmas: Facility[]; onRegistered: (reader: CardReader) => Promise<void> }) {
  const [facilityId, setFacilityId] = useState(puskesmas[0]?.facilityId ?? '');
  const [samSerial, setSerial] = useState('');
  const [done, setDone] = useState('');
  const { busy, error, run } = useAction(async () => {
    setDone('');
    const reader = await answer<CardReader>(
      api.POST('/v1/facilities/{facilityId}/card-readers', { params: { path: { facilityId } }, body: { samSerial: samSerial.trim() } }),
    );
    setDone(
      `Alat baca dengan nomor seri SAM ${reader.samSerial} terdaftar untuk ${puskesmas.find((p) => p.facilityId === facilityId)?.name ?? 'Puskesmas'}; ID alat ${reader.readerId} dipasang pada aplikasi pembaca KTP-el di Puskesmas itu.`,
    );
    setSerial('');
    await onRegistered(reader);
  });
  return (
    <Section title="Daftarkan alat baca KTP-el">
      <Form onSubmit={() => void run()}>
        <div class="grid-2">
          <SelectField
            label="Puskesmas"
            options={puskesmas.map((p) => [p.facilityId, `${p.name} (${p.code})`] as const)}
            value={facilityId}
            onChange={(e) => setFacilityId(e.currentTarget.value)}
          />
          <Field
            label="Nomor seri SAM"
            value={samSerial}
            onInput={(e) => setSerial(e.currentTarget.value.toUpperCase())}
            required
            pattern="[A-Z0-9\-]{4,32}"
            maxLength={32}
            hint="4–32 huruf besar, angka atau tanda hubung, contoh SAM-0012-3456"
          />
        </div>
        <Problem error={error} />
        {done && <Notice>{done}</Notice>}
        <button type="submit" disabled={busy || !facilityId}>
          Daftarkan alat baca
        </button>
      </Form>
    </Section>
  );
}

function ReaderRow({ reader, facilityName, onRetired }: { reader: CardReader; facilityName: string; onRetired: () => Promise<void> }) {
  const { busy, error, run } = useAction(async () => {
    await answer(api.POST('/v1/card-readers/{id}/retirement', { params: { path: { id: reader.readerId } } }));
    await onRetired();
  });
  return (
    <tr data-reader={reader.samSerial}>
      <td>
        <code>{reader.samSerial}</code>
      </td>
      <td>
        <code>{reader.readerId}</code>
      </td>
      <td>{facilityName}</td>
      <td>{reader.retired ? <Badge tone="bad">Tidak dipakai lagi</Badge> : <Badge tone="ok">Aktif</Badge>}</td>
      <td>
        {!reader.retired && (
          <ConfirmButton
            label="Hentikan pemakaian"
            question={`Alat ${reader.samSerial} tidak dapat dipakai lagi untuk selamanya. Lanjutkan?`}
            confirmLabel="Ya, hentikan"
            busy={busy}
            onConfirm={() => void run()}
          />
        )}
        <Problem error={error} />
      </td>
    </tr>
  );
}
