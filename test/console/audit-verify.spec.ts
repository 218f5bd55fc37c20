import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { verifyCheckpoint, verifyInclusion, type AuditPublicKey, type Checkpoint, type InclusionProof } from '../../console/src/audit/verify';
import { AUDITOR_PASSWORD, startApp, type TestApp } from '../support/app';
import { AUDITOR_USER_ID } from '../support/parties';
import { until } from '../support/until';

/**
 * The console's own check of the audit log (console/src/audit/verify.ts, WebCrypto only), run here under
 * Node's WebCrypto against proofs the real gateway gives: what the auditor's browser says "tercatat dan
 * tidak diubah" to must be a proof that verifies, and one flipped byte anywhere must not.
 */
describe("The console's verification of the audit log, against the gateway's own proofs", () => {
  let t: TestApp;
  let auditor: string;
  let key: AuditPublicKey;
  let proof: InclusionProof;
  const get = async (path: string) =>
    (
      await t
        .http()
        .get(path)
        .set({ authorization: `Bearer ${auditor}` })
    ).body;

  /** The same hex string with one byte changed (its first byte flipped). */
  const flipped = (hex: string) => (parseInt(hex.slice(0, 2), 16) ^ 0xff).toString(16).padStart(2, '0') + hex.slice(2);

  let eventId: string;

  beforeAll(async () => {
    t = await startApp();
    auditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    // Enough events for a checkpoint over them (one every 100 events in the test set-up).
    eventId = randomUUID();
    await t.infra.eventStore.appendToStream(`denial-${randomUUID()}`, [
      { type: 'AccessDenied', eventId, data: { denialId: randomUUID(), reason: 'NETWORK_NOT_ALLOWED', route: 'GET /v1/operators' } },
    ]);
    for (let i = 0; i < 105; i++)
      await t.infra.eventStore.appendToStream(`denial-${randomUUID()}`, [
        { type: 'AccessDenied', data: { denialId: randomUUID(), reason: 'NETWORK_NOT_ALLOWED', route: 'GET /v1/operators' } },
      ]);
    proof = await until(
      async () => {
        const res = await t
          .http()
          .get(`/v1/audit/proofs/${eventId}`)
          .set({ authorization: `Bearer ${auditor}` });
        return res.status === 200 ? (res.body as InclusionProof) : undefined;
      },
      { what: 'a signed checkpoint over the event', timeoutMs: 60_000 },
    );
    key = await get('/v1/audit/public-key');
  });
  afterAll(() => t?.close());

  it('says the event is recorded and unchanged when the proof is the one the gateway gave', async () => {
    expect(proof.auditPath.length).toBeGreaterThan(0);
    await expect(verifyInclusion(proof, key, eventId)).resolves.toEqual({ ok: true });
  });

  it('does not answer for an access with the valid proof of another event', async () => {
    await expect(verifyInclusion(proof, key, randomUUID())).resolves.toEqual({ ok: false, failure: 'WRONG_EVENT' });
  });

  it('verifies the signature of every checkpoint the gateway published', async () => {
    const list = (await get('/v1/audit/checkpoints')) as Checkpoint[];
    expect(list.length).toBeGreaterThan(0);
    for (const checkpoint of list) await expect(verifyCheckpoint(checkpoint, key)).resolves.toEqual({ ok: true });
  });

  it('says the root does not match when one byte of the leaf or of the audit path is changed', async () => {
    await expect(verifyInclusion({ ...proof, leafHash: flipped(proof.leafHash) }, key, eventId)).resolves.toEqual({ ok: false, failure: 'ROOT_MISMATCH' });
    const path = [...proof.auditPath];
    path[path.length - 1] = flipped(path[path.length - 1]!);
    await expect(verifyInclusion({ ...proof, auditPath: path }, key, eventId)).resolves.toEqual({ ok: false, failure: 'ROOT_MISMATCH' });
    await expect(verifyInclusion({ ...proof, leafIndex: proof.leafIndex + 1 }, key, eventId)).resolves.toMatchObject({ ok: false });
  });

  it('says the signature is invalid when the signed root, size or time is changed', async () => {
    const c = proof.checkpoint;
    for (const checkpoint of [
      { ...c, rootHash: flipped(c.rootHash) },
      { ...c, treeSize: c.treeSize + 1 },
      { ...c, signedAt: new Date(0).toISOString() },
    ])
      await expect(verifyInclusion({ ...proof, checkpoint, treeSize: checkpoint.treeSize }, key, eventId)).resolves.toEqual({
        ok: false,
        failure: 'SIGNATURE_INVALID',
      });
  });

  it('refuses a checkpoint signed under another key than the one the gateway publishes', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(verifyInclusion(proof, { keyId: 'x', publicKey: other }, eventId)).resolves.toEqual({ ok: false, failure: 'KEY_MISMATCH' });
    await expect(verifyInclusion(proof, { keyId: 'x', publicKey: 'not a key' }, eventId)).resolves.toEqual({ ok: false, failure: 'KEY_UNREADABLE' });
  });

  it('says plainly that WebCrypto is missing rather than failing silently (a page on plain http from another address)', async () => {
    await expect(verifyInclusion(proof, key, eventId, null)).resolves.toEqual({ ok: false, failure: 'NO_WEBCRYPTO' });
  });
});
