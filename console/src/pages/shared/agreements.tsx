import { useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import type { Session } from '../../session';
import { Field, Form, Notice, Problem, SelectField, tanggal, useAction, waktu } from '../../ui/kit';
import {
  agreementStatusLabel,
  agreementStatusTone,
  changeStatusLabel,
  grantedFieldLabel,
  partyName,
  partyOf,
  terminationReasonLabel,
  type Account,
  type Agreement,
  type AgreementChange,
  type Party,
  type TerminationReason,
} from './answers';
import { Badge, ConfirmButton, Loading, todayWib, useLoaded } from './common';

/**
 * Perjanjian, for both parties (Pasal 5, 6, 7, 10): every agreement with its status and days left, its
 * addenda and granted fields, and its changes. A change proposed by one party takes effect only when the
 * other confirms it; a party may withdraw its own proposal. Each agreement is read by id (from its
 * events), so a change just confirmed shows at once.
 */
export function AgreementsPage({ session }: { session: Session }) {
  const party = partyOf(session.role);
  const { data, error, reload } = useLoaded(async () => {
    const listed = await answer<Agreement[]>(api.GET('/v1/agreements'));
    const agreements = await Promise.all(
      listed.map((a) => answer<Agreement>(api.GET('/v1/agreements/{id}', { params: { path: { id: a.agreementId } } })).catch(() => a)),
    );
    // Who proposed, by user id where the account is one's own party's (the API lists only those).
    const accounts = await answer<Account[]>(api.GET('/v1/operators')).catch(() => [] as Account[]);
    return { agreements, names: new Map(accounts.map((a) => [a.operatorId, a.userId ?? ''])) };
  });

  return (
    <>
      <div class="actions page-tools">
        <button type="button" class="secondary" onClick={() => void reload()}>
          Muat ulang
        </button>
      </div>
      <Problem error={error} />
      {!data && !error && <Loading />}
      {data && data.agreements.length === 0 && <Notice>Belum ada perjanjian yang tercatat.</Notice>}
      {data?.agreements.map((agreement, index) => (
        <AgreementCard key={agreement.agreementId} agreement={agreement} index={index} party={party} session={session} names={data.names} onChanged={reload} />
      ))}
    </>
  );
}

function AgreementCard({
  agreement: a,
  index,
  party,
  session,
  names,
  onChanged,
}: {
  agreement: Agreement;
  index: number;
  party: Party;
  session: Session;
  names: Map<string, string>;
  onChanged: () => Promise<void>;
}) {
  const open = !!a.signedOn && !a.termination;
  // Kept here, not in the termination form: a termination in force closes the form, and its confirmation must stay.
  const [terminated, setTerminated] = useState('');
  return (
    <section class="card" aria-labelledby={`perjanjian-${index}`}>
      <h2 id={`perjanjian-${index}`}>
        Perjanjian {a.dinkesNumber} <Badge tone={agreementStatusTone[a.status]}>{agreementStatusLabel[a.status]}</Badge>
      </h2>
      <dl class="facts-grid">
        <div>
          <dt>Nomor Disdukcapil</dt>
          <dd>{a.dukcapilNumber}</dd>
        </div>
        <div>
          <dt>Nomor Dinkes</dt>
          <dd>{a.dinkesNumber}</dd>
        </div>
        <div>
          <dt>Ditandatangani</dt>
          <dd>{a.signedOn ? tanggal(a.signedOn) : 'Belum dikonfirmasi kedua pihak'}</dd>
        </div>
        <div>
          <dt>Masa berlaku</dt>
          <dd data-valid-until={a.validUntil}>
            {tanggal(a.validFrom)} s.d. {tanggal(a.validUntil)}
          </dd>
        </div>
        <div>
          <dt>Sisa hari</dt>
          <dd>{a.status === 'ACTIVE' ? `${a.daysLeft.toLocaleString('id-ID')} hari` : '—'}</dd>
        </div>
        {a.termination && (
          <div>
            <dt>Diakhiri</dt>
            <dd>
              {terminationReasonLabel[a.termination.reason]}, mulai {tanggal(a.termination.effectiveOn)}
            </dd>
          </div>
        )}
      </dl>
      <h3>Adendum</h3>
      {a.addenda.length === 0 ? (
        <p>Belum ada adendum.</p>
      ) : (
        <ul>
          {a.addenda.map((ad) => (
            <li key={ad.addendumNumber}>
              Adendum {ad.addendumNumber}: berlaku sampai {tanggal(ad.validUntil)}
            </li>
          ))}
        </ul>
      )}
      <h3>Kolom data yang diberikan</h3>
      <p>{a.grantedFields.length === 0 ? 'Tidak ada.' : a.grantedFields.map((f) => grantedFieldLabel[f] ?? f).join(', ')}</p>

      <h3>Perubahan yang menunggu konfirmasi</h3>
      {a.pendingChanges.length === 0 ? (
        <p>Tidak ada perubahan yang menunggu.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Perubahan</th>
              <th scope="col">Diusulkan oleh</th>
              <th scope="col">Tindakan</th>
            </tr>
          </thead>
          <tbody>
            {a.pendingChanges.map((c) => (
              <PendingChange key={c.changeId} agreementId={a.agreementId} change={c} party={party} names={names} onChanged={onChanged} />
            ))}
          </tbody>
        </table>
      )}

      {open && <ExtensionForm agreement={a} index={index} onChanged={onChanged} />}
      {open && <TerminationForm agreement={a} index={index} session={session} onChanged={onChanged} onInForce={setTerminated} />}
      {terminated && <Notice>{terminated}</Notice>}
      <History agreement={a} names={names} />
    </section>
  );
}

/** What a change does, in one sentence. */
function describe(c: AgreementChange): string {
  const t = c.terms as Record<string, string>;
  if (c.change === 'EXTEND') return `Perpanjangan dengan adendum ${t.addendumNumber}, berlaku sampai ${tanggal(t.validUntil)}`;
  if (c.change === 'TERMINATE') return `Pengakhiran (${terminationReasonLabel[t.reason as TerminationReason] ?? t.reason}), mulai ${tanggal(t.effectiveOn)}`;
  return `Penandatanganan perjanjian ${t.dukcapilNumber} / ${t.dinkesNumber}, berlaku ${tanggal(t.validFrom)} s.d. ${tanggal(t.validUntil)}`;
}

function proposer(c: AgreementChange, party: Party, names: Map<string, string>): string {
  if (c.proposedBy === 'SEED') return 'Data awal sistem';
  const who = names.get(c.proposedBy);
  const side = c.proposedByParty ? partyName[c.proposedByParty] : 'pihak tidak tercatat';
  return `${side}${c.proposedByParty === party ? ' (pihak Anda)' : ''}${who ? `, ${who}` : ''}`;
}

function PendingChange({
  agreementId,
  change,
  party,
  names,
  onChanged,
}: {
  agreementId: string;
  change: AgreementChange;
  party: Party;
  names: Map<string, string>;
  onChanged: () => Promise<void>;
}) {
  const own = change.proposedByParty === party;
  const path = { id: agreementId, changeId: change.changeId! };
  const { busy, error, run } = useAction(async (decision: 'confirm' | 'reject') => {
    if (decision === 'confirm') await answer(api.POST('/v1/agreements/{id}/changes/{changeId}/confirmation', { params: { path } }));
    else await answer(api.POST('/v1/agreements/{id}/changes/{changeId}/rejection', { params: { path } }));
    await onChanged();
  });
  return (
    <tr data-change={change.changeId}>
      <td>{describe(change)}</td>
      <td>
        {proposer(change, party, names)}
        <br />
        <small>{waktu(change.proposedAt)}</small>
      </td>
      <td>
        {own ? (
          <>
            <p class="fine">Menunggu konfirmasi {partyName[party === 'DINKES' ? 'DISDUKCAPIL' : 'DINKES']}.</p>
            <ConfirmButton
              label="Tarik usulan"
              question="Tarik kembali usulan ini?"
              confirmLabel="Ya, tarik usulan"
              busy={busy}
              onConfirm={() => void run('reject')}
            />
          </>
        ) : (
          <div class="actions">
            <button type="button" disabled={busy} onClick={() => void run('confirm')}>
              Setujui
            </button>
            <ConfirmButton label="Tolak" question="Tolak usulan ini?" confirmLabel="Ya, tolak" busy={busy} onConfirm={() => void run('reject')} />
          </div>
        )}
        <Problem error={error} />
      </td>
    </tr>
  );
}

function ExtensionForm({ agreement, index, onChanged }: { agreement: Agreement; index: number; onChanged: () => Promise<void> }) {
  const [addendumNumber, setNumber] = useState('');
  const [validUntil, setUntil] = useState('');
  const [done, setDone] = useState('');
  const { busy, error, run } = useAction(async () => {
    setDone('');
    await answer(
      api.POST('/v1/agreements/{id}/extensions', {
        params: { path: { id: agreement.agreementId } },
        body: { addendumNumber: addendumNumber.trim(), validUntil },
      }),
    );
    setDone(`Usulan perpanjangan dengan adendum ${addendumNumber.trim()} tercatat. Perpanjangan berlaku setelah pihak lain menyetujuinya.`);
    setNumber('');
    setUntil('');
    await onChanged();
  });
  return (
    <Form onSubmit={() => void run()}>
      <h3>Usulkan perpanjangan dengan adendum</h3>
      <div class="grid-2">
        <Field
          id={`adendum-nomor-${index}`}
          label="Nomor adendum"
          value={addendumNumber}
          onInput={(e) => setNumber(e.currentTarget.value.toUpperCase())}
          required
          maxLength={40}
          hint="Contoh: 473.3/1234/IX/2024"
        />
        <Field
          id={`adendum-sampai-${index}`}
          label="Berlaku sampai"
          type="date"
          value={validUntil}
          min={agreement.validUntil}
          onInput={(e) => setUntil(e.currentTarget.value)}
          required
          hint={`Harus sesudah ${tanggal(agreement.validUntil)}`}
        />
      </div>
      <Problem error={error} />
      {done && <Notice>{done}</Notice>}
      <button type="submit" disabled={busy}>
        Usulkan perpanjangan
      </button>
    </Form>
  );
}

function TerminationForm({
  agreement,
  index,
  session,
  onChanged,
  onInForce,
}: {
  agreement: Agreement;
  index: number;
  session: Session;
  onChanged: () => Promise<void>;
  /** A termination in force at once (breach) closes this form: its confirmation is shown by the card. */
  onInForce: (message: string) => void;
}) {
  const auditor = session.role === 'DUKCAPIL_AUDITOR';
  const reasons: [TerminationReason, string][] = (
    ['MUTUAL_CONSENT', 'INSTITUTIONAL_CHANGE', 'FORCE_MAJEURE', ...(auditor ? ['BREACH_BY_DINKES'] : [])] as const
  ).map((r) => [r as TerminationReason, terminationReasonLabel[r as TerminationReason]]);
  const [reason, setReason] = useState<TerminationReason>('MUTUAL_CONSENT');
  const [effectiveOn, setEffectiveOn] = useState('');
  const [done, setDone] = useState('');
  const breach = reason === 'BREACH_BY_DINKES';
  const { busy, error, run } = useAction(async () => {
    setDone('');
    const day = breach ? todayWib() : effectiveOn;
    await answer(api.POST('/v1/agreements/{id}/termination', { params: { path: { id: agreement.agreementId } }, body: { reason, effectiveOn: day } }));
    if (breach) onInForce('Perjanjian diakhiri karena pelanggaran oleh Dinkes, berlaku hari ini. Akses data kependudukan ditutup.');
    else setDone('Usulan pengakhiran tercatat. Pengakhiran berlaku setelah pihak lain menyetujuinya.');
    setEffectiveOn('');
    await onChanged();
  });
  return (
    <Form>
      <h3>{auditor ? 'Pengakhiran perjanjian' : 'Usulkan pengakhiran perjanjian'}</h3>
      <div class="grid-2">
        <SelectField
          id={`akhir-alasan-${index}`}
          label="Alasan pengakhiran"
          options={reasons}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value as TerminationReason)}
        />
        {breach ? (
          <p class="fine">Pengakhiran karena pelanggaran ditetapkan Disdukcapil sendiri dan berlaku hari ini ({tanggal(todayWib())}).</p>
        ) : (
          <Field
            id={`akhir-mulai-${index}`}
            label="Berlaku mulai"
            type="date"
            value={effectiveOn}
            min={agreement.validFrom}
            onInput={(e) => setEffectiveOn(e.currentTarget.value)}
            required
          />
        )}
      </div>
      <Problem error={error} />
      {done && <Notice>{done}</Notice>}
      <ConfirmButton
        label={breach ? 'Akhiri karena pelanggaran' : 'Usulkan pengakhiran'}
        question={breach ? 'Akhiri perjanjian sekarang? Akses data kependudukan langsung ditutup.' : 'Usulkan pengakhiran perjanjian ini?'}
        confirmLabel={breach ? 'Ya, akhiri sekarang' : 'Ya, usulkan'}
        busy={busy || (!breach && !effectiveOn)}
        onConfirm={() => void run()}
      />
    </Form>
  );
}

function History({ agreement, names }: { agreement: Agreement; names: Map<string, string> }) {
  const past = agreement.changes.filter((c) => c.status !== 'PENDING');
  if (past.length === 0) return null;
  const by = (id: string | null) => (id === 'SEED' ? 'data awal sistem' : (id && names.get(id)) || 'pihak lain');
  return (
    <>
      <h3>Riwayat perubahan</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Perubahan</th>
            <th scope="col">Hasil</th>
            <th scope="col">Waktu</th>
          </tr>
        </thead>
        <tbody>
          {past.map((c, i) => (
            <tr key={c.changeId ?? i}>
              <td>{describe(c)}</td>
              <td>
                {changeStatusLabel[c.status]} ({by(c.status === 'CONFIRMED' ? c.confirmedBy : c.rejectedBy)})
              </td>
              <td>{waktu(c.status === 'CONFIRMED' ? c.confirmedAt : c.rejectedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
