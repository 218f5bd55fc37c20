import { useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import type { Role } from '../../api/answers';
import { roleLabel, type Session } from '../../session';
import { Field, Form, Notice, Problem, Section, SelectField, useAction, waktu } from '../../ui/kit';
import { accountStatusLabel, accountStatusTone, enrollableRoles, partyOf, type Account, type AccountStatus, type Facility } from './answers';
import { Badge, ConfirmButton, Loading, NotYetUpdated, useLoaded } from './common';

/**
 * Akun petugas, for both parties (Pasal 3(1)(c), 4(2)(c)): each party administers its own people (Dinkes:
 * its administrators and the Puskesmas clerks; Disdukcapil: its auditors and the Bupati's office). Enrol,
 * suspend, reinstate, revoke, reset a password, lift a lockout. The list is the party's accounts as the
 * gateway lists them; it trails a change by a moment, so after each change the page waits for it to show.
 */
export function AccountsPage({ session }: { session: Session }) {
  const party = partyOf(session.role);
  const { data, error, reload, stale } = useLoaded(async () => {
    const [accounts, facilities] = await Promise.all([answer<Account[]>(api.GET('/v1/operators')), answer<Facility[]>(api.GET('/v1/facilities'))]);
    return { accounts, facilities };
  });
  const [notice, setNotice] = useState('');
  if (error) return <Problem error={error} />;
  if (!data) return <Loading />;
  const nameOf = new Map(data.facilities.map((f) => [f.facilityId, f.name]));
  const refreshed = <NotYetUpdated stale={stale} reload={() => void reload()} />;
  /** After a change: say so, and wait (a little) until the list shows the account as the change left it. */
  const changed = async (operatorId: string, what: string, expect: (a: Account) => boolean) => {
    setNotice(what);
    await reload((fresh) => fresh.accounts.some((a) => a.operatorId === operatorId && expect(a)));
  };
  return (
    <>
      <Enrol
        roles={enrollableRoles[party]}
        facilities={data.facilities}
        onEnrolled={(account) =>
          changed(account.operatorId, `Akun ${account.userId} terdaftar. Petugas wajib mengganti kata sandi awal saat pertama masuk.`, () => true)
        }
      />
      <Section title={`Akun ${party === 'DINKES' ? 'Dinkes dan Puskesmas' : 'Disdukcapil dan Kantor Bupati'}`}>
        {notice && <Notice>{notice}</Notice>}
        {refreshed}
        <table>
          <thead>
            <tr>
              <th scope="col">ID pengguna</th>
              <th scope="col">Peran</th>
              <th scope="col">Puskesmas / instansi</th>
              <th scope="col">Status</th>
              <th scope="col">Tindakan</th>
            </tr>
          </thead>
          <tbody>
            {data.accounts.map((account) => (
              <AccountRow
                key={account.operatorId}
                account={account}
                own={account.operatorId === session.operatorId}
                place={account.facilityId ? (nameOf.get(account.facilityId) ?? '—') : '—'}
                onChanged={changed}
              />
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}

function Enrol({ roles, facilities, onEnrolled }: { roles: readonly Role[]; facilities: Facility[]; onEnrolled: (a: Account) => Promise<void> }) {
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(roles[0]!);
  const puskesmas = facilities.filter((f) => f.kind === 'PUSKESMAS');
  const dinkes = facilities.find((f) => f.kind === 'DINKES');
  const [facilityId, setFacilityId] = useState(puskesmas[0]?.facilityId ?? '');
  const [displayName, setDisplayName] = useState('');
  const { busy, error, run } = useAction(async () => {
    // A clerk belongs to a Puskesmas, a Dinkes administrator to Dinkes; the other party's roles to none.
    const place = role === 'PUSKESMAS_OPERATOR' ? facilityId : role === 'DINKES_ADMIN' ? dinkes?.facilityId : undefined;
    const account = await answer<Account>(
      api.POST('/v1/operators', {
        body: {
          userId: userId.trim(),
          password,
          role,
          ...(place ? { facilityId: place } : {}),
          ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        },
      }),
    );
    setUserId('');
    setPassword('');
    setDisplayName('');
    await onEnrolled({ ...account, userId: account.userId ?? userId });
  });
  return (
    <Section title="Daftarkan akun baru">
      <Form onSubmit={() => void run()}>
        <div class="grid-2">
          <Field
            label="ID pengguna"
            id="akun-baru-id"
            value={userId}
            onInput={(e) => setUserId(e.currentTarget.value.toLowerCase())}
            required
            pattern="[a-z0-9][a-z0-9._\-]{2,39}"
            maxLength={40}
            hint="3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung, contoh pkm.jaten1.loket2"
          />
          <Field
            label="Kata sandi awal"
            type="password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
            minLength={12}
            maxLength={128}
            hint="Minimal 12 karakter; petugas wajib menggantinya saat pertama masuk."
          />
          <SelectField
            label="Peran"
            options={roles.map((r) => [r, roleLabel[r]] as const)}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          />
          {role === 'PUSKESMAS_OPERATOR' && (
            <SelectField
              label="Puskesmas"
              options={puskesmas.map((p) => [p.facilityId, `${p.name} (${p.code})`] as const)}
              value={facilityId}
              onChange={(e) => setFacilityId(e.currentTarget.value)}
            />
          )}
          <Field label="Nama (opsional)" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} maxLength={120} />
        </div>
        <Problem error={error} />
        <button type="submit" disabled={busy}>
          Daftarkan akun
        </button>
      </Form>
    </Section>
  );
}

type Changed = (operatorId: string, what: string, expect: (a: Account) => boolean) => Promise<void>;

function AccountRow({ account: a, own, place, onChanged }: { account: Account; own: boolean; place: string; onChanged: Changed }) {
  const [resetting, setResetting] = useState(false);
  const [newPassword, setNewPassword] = useState('');
  const name = a.userId ?? a.operatorId;
  const path = { params: { path: { id: a.operatorId } } };
  const { busy, error, run } = useAction(async (act: 'suspend' | 'reinstate' | 'revoke' | 'unlock' | 'reset') => {
    if (act === 'suspend') {
      await answer(api.POST('/v1/operators/{id}/suspension', path));
      await onChanged(a.operatorId, `Akun ${name} ditangguhkan.`, (x) => x.status === 'SUSPENDED');
    } else if (act === 'reinstate') {
      await answer(api.POST('/v1/operators/{id}/reinstatement', path));
      await onChanged(a.operatorId, `Akun ${name} aktif kembali.`, (x) => x.status === 'ACTIVE');
    } else if (act === 'revoke') {
      await answer(api.POST('/v1/operators/{id}/revocation', path));
      await onChanged(a.operatorId, `Akun ${name} dicabut.`, (x) => x.status === 'REVOKED');
    } else if (act === 'unlock') {
      await answer(api.POST('/v1/operators/{id}/unlock', path));
      await onChanged(a.operatorId, `Kunci akun ${name} dibuka.`, (x) => x.lockedUntil === null);
    } else {
      await answer(api.POST('/v1/operators/{id}/password', { ...path, body: { newPassword } }));
      setNewPassword('');
      setResetting(false);
      await onChanged(a.operatorId, `Kata sandi akun ${name} diatur ulang. Pemilik akun wajib menggantinya saat masuk berikutnya.`, () => true);
    }
  });
  const status: AccountStatus = a.status;
  return (
    <tr data-account={a.userId ?? ''}>
      <td>
        {name}
        {a.displayName && (
          <>
            <br />
            <small>{a.displayName}</small>
          </>
        )}
      </td>
      <td>{roleLabel[a.role] ?? a.role}</td>
      <td>{place}</td>
      <td>
        <Badge tone={accountStatusTone[status]}>{accountStatusLabel[status] ?? status}</Badge>
        {a.lockedUntil && (
          <>
            <br />
            <small>Terkunci sampai {waktu(a.lockedUntil)}</small>
          </>
        )}
      </td>
      <td>
        {own ? (
          <small>Akun Anda sendiri</small>
        ) : status === 'REVOKED' ? (
          <small>Tidak ada tindakan</small>
        ) : (
          <div class="actions">
            {status === 'ACTIVE' && (
              <button type="button" class="secondary" disabled={busy} onClick={() => void run('suspend')}>
                Tangguhkan
              </button>
            )}
            {status === 'SUSPENDED' && (
              <button type="button" class="secondary" disabled={busy} onClick={() => void run('reinstate')}>
                Aktifkan kembali
              </button>
            )}
            {a.lockedUntil && (
              <button type="button" class="secondary" disabled={busy} onClick={() => void run('unlock')}>
                Buka kunci
              </button>
            )}
            <button type="button" class="secondary" disabled={busy} aria-expanded={resetting} onClick={() => setResetting(!resetting)}>
              Atur ulang kata sandi
            </button>
            <ConfirmButton
              label="Cabut"
              question={`Cabut akun ${name} untuk selamanya?`}
              confirmLabel="Ya, cabut"
              busy={busy}
              onConfirm={() => void run('revoke')}
            />
          </div>
        )}
        {resetting && (
          <Form onSubmit={() => void run('reset')}>
            <Field
              id={`sandi-${a.operatorId}`}
              label={`Kata sandi baru untuk ${name}`}
              type="password"
              value={newPassword}
              onInput={(e) => setNewPassword(e.currentTarget.value)}
              required
              minLength={12}
              maxLength={128}
            />
            <button type="submit" disabled={busy}>
              Simpan kata sandi baru
            </button>
          </Form>
        )}
        <Problem error={error} />
      </td>
    </tr>
  );
}
