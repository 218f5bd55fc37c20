import { useEffect, useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import {
  subtleCrypto,
  verifyCheckpoint,
  verifyInclusion,
  type AuditPublicKey,
  type Checkpoint,
  type Failure,
  type InclusionProof,
  type Verdict,
} from '../../audit/verify';
import { angka, Field, Form, Notice, Problem, Section, useAction, waktu } from '../../ui/kit';

/** The three steps of a verification, in order, and which failure stops at which step. */
const steps = ['Kunci publik log audit dibaca (Ed25519)', 'Tanda tangan checkpoint sah', 'Akar pohon Merkle dihitung ulang dan sama'] as const;
const stepOf: Record<Failure, number> = {
  NO_WEBCRYPTO: 0,
  ED25519_UNSUPPORTED: 0,
  KEY_UNREADABLE: 0,
  KEY_MISMATCH: 1,
  SIGNATURE_INVALID: 1,
  WRONG_EVENT: 2,
  PROOF_MALFORMED: 2,
  ROOT_MISMATCH: 2,
};
const failureText: Record<Failure, string> = {
  NO_WEBCRYPTO:
    'Browser tidak menyediakan WebCrypto karena konsol tidak dibuka lewat koneksi aman (https atau localhost). Bukti tidak dapat diperiksa di perangkat ini; buka konsol lewat https.',
  ED25519_UNSUPPORTED: 'Browser ini belum mendukung Ed25519 pada WebCrypto. Gunakan Chromium, Chrome, Edge atau Firefox versi terbaru.',
  KEY_UNREADABLE: 'Kunci publik log audit tidak dapat dibaca sebagai kunci Ed25519.',
  KEY_MISMATCH: 'Checkpoint ditandatangani dengan kunci lain, bukan kunci publik log audit gateway ini.',
  SIGNATURE_INVALID: 'Tanda tangan checkpoint tidak sah: isi checkpoint telah diubah atau tidak ditandatangani oleh gateway ini.',
  WRONG_EVENT: 'Bukti yang diterima adalah bukti catatan lain, bukan nomor akses yang diminta.',
  PROOF_MALFORMED: 'Bukti inklusi tidak lengkap atau rusak.',
  ROOT_MISMATCH: 'Hash catatan dan jalur audit tidak menghasilkan akar yang ditandatangani: catatan ini tidak terbukti utuh.',
};

/** The verdict as the auditor reads it: the plain answer, then each step ticked or the one that failed. */
function VerdictView({ verdict, okText, upTo = steps.length }: { verdict: Verdict; okText: string; upTo?: number }) {
  const failedAt = verdict.ok ? upTo : stepOf[verdict.failure];
  return (
    <div data-verdict={verdict.ok ? 'ok' : verdict.failure}>
      {verdict.ok ? (
        <p class="verdict ok" role="status">
          <span class="badge ok">Terverifikasi</span> {okText}
        </p>
      ) : (
        <p class="verdict bad" role="alert">
          <span class="badge bad">Tidak terverifikasi</span> {failureText[verdict.failure]}
        </p>
      )}
      <ol class="steps">
        {steps.slice(0, upTo).map((step, i) => (
          <li key={step}>
            {i < failedAt ? '✓' : i === failedAt ? '✗' : '–'} {step}
            {i > failedAt && ' (tidak diperiksa)'}
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * Log audit: the latest signed checkpoint and, for an access id, its inclusion proof verified here in the
 * browser (WebCrypto SHA-256 and Ed25519, console/src/audit/verify.ts), not taken on the gateway's word.
 * An access is recorded as one event whose id is the access id, so the access id is what is proved.
 */
export function AuditLogPage() {
  const [key, setKey] = useState<AuditPublicKey | null>(null);
  const [latest, setLatest] = useState<{ checkpoint: Checkpoint; verdict: Verdict } | null | undefined>(undefined);
  const [accessId, setAccessId] = useState('');
  const [checked, setChecked] = useState<{ proof: InclusionProof; verdict: Verdict } | null>(null);
  const secure = subtleCrypto() !== null;

  const load = useAction(async () => {
    const [publicKey, list] = await Promise.all([
      answer<AuditPublicKey>(api.GET('/v1/audit/public-key')),
      answer<Checkpoint[]>(api.GET('/v1/audit/checkpoints')),
    ]);
    setKey(publicKey);
    const last = list[list.length - 1];
    setLatest(last ? { checkpoint: last, verdict: await verifyCheckpoint(last, publicKey) } : null);
  });
  useEffect(() => {
    void load.run();
  }, []);

  const check = useAction(async () => {
    setChecked(null);
    const id = accessId.trim().toLowerCase();
    const publicKey = key ?? (await answer<AuditPublicKey>(api.GET('/v1/audit/public-key')));
    const proof = await answer<InclusionProof>(api.GET('/v1/audit/proofs/{eventId}', { params: { path: { eventId: id } } }));
    setChecked({ proof, verdict: await verifyInclusion(proof, publicKey, id) });
  });

  return (
    <>
      {!secure && <Notice>{failureText.NO_WEBCRYPTO}</Notice>}
      <Section title="Checkpoint terakhir yang ditandatangani">
        <Problem error={load.error} />
        {latest === undefined && !load.error && <p>Memuat…</p>}
        {latest === null && <p>Belum ada checkpoint yang ditandatangani. Checkpoint dibuat setiap 1.000 catatan atau paling lama setiap 60 menit.</p>}
        {latest && (
          <>
            <dl class="facts" data-checkpoint>
              <dt>Jumlah catatan (ukuran pohon)</dt>
              <dd>{angka(latest.checkpoint.treeSize)}</dd>
              <dt>Akar (root) Merkle</dt>
              <dd>
                <code>{latest.checkpoint.rootHash}</code>
              </dd>
              <dt>Ditandatangani</dt>
              <dd>{waktu(latest.checkpoint.signedAt)}</dd>
              <dt>ID kunci</dt>
              <dd>
                <code>{latest.checkpoint.keyId}</code>
              </dd>
            </dl>
            <VerdictView verdict={latest.verdict} okText="Checkpoint ini ditandatangani oleh log audit gateway dan isinya tidak diubah." upTo={2} />
            <p class="fine">
              Bandingkan ID kunci dengan kunci publik yang disimpan Disdukcapil: tanda tangan hanya berarti bila kuncinya adalah kunci yang Anda simpan.
            </p>
          </>
        )}
      </Section>
      <Section title="Periksa satu akses">
        <Form onSubmit={() => void check.run()}>
          <Field
            label="Nomor akses"
            value={accessId}
            onInput={(e) => setAccessId(e.currentTarget.value)}
            required
            pattern="\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\s*"
            hint="Nomor akses pada hasil pencarian NIK: 36 karakter, misalnya 8738826f-69b5-477a-af7e-4db3cfb523bd"
          />
          <Problem error={check.error} />
          <div class="actions">
            <button type="submit" disabled={check.busy}>
              {check.busy ? 'Memeriksa…' : 'Periksa bukti'}
            </button>
          </div>
        </Form>
        {checked && (
          <div data-proof>
            <VerdictView verdict={checked.verdict} okText="Tercatat dan tidak diubah." />
            <dl class="facts">
              <dt>Urutan catatan di log</dt>
              <dd>{angka(checked.proof.leafIndex + 1)}</dd>
              <dt>Checkpoint yang mencakupnya</dt>
              <dd>
                ukuran {angka(checked.proof.treeSize)}, ditandatangani {waktu(checked.proof.checkpoint.signedAt)}
              </dd>
              <dt>ID kunci penanda tangan</dt>
              <dd>
                <code>{checked.proof.checkpoint.keyId}</code> (bandingkan dengan kunci yang disimpan Disdukcapil)
              </dd>
              <dt>Panjang jalur audit</dt>
              <dd>{angka(checked.proof.auditPath.length)} hash</dd>
            </dl>
          </div>
        )}
      </Section>
    </>
  );
}
