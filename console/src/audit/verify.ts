/**
 * The audit log's inclusion proof, verified where the auditor sits: SHA-256 and Ed25519 from WebCrypto
 * (`crypto.subtle`), nothing else, so the same module runs in the browser and under Node (jest). What it
 * checks is what `docs/audit-log.md` says the gateway does: RFC 9162 hashing (node = SHA-256(0x01 ‖ left ‖
 * right)), the audit path from the leaf to the root (RFC 9162 2.1.3.2), and Ed25519 over the RFC 8785
 * (JCS) encoding of {logId, treeSize, rootHash, chainHead, signedAt}. The leaf hash itself is the
 * gateway's: the event's content is not handed out, so the proof shows the leaf is in the signed tree.
 */

/** A signed checkpoint as GET /v1/audit/checkpoints answers it. */
export interface Checkpoint {
  logId: string;
  treeSize: number;
  /** hex */
  rootHash: string;
  /** hex */
  chainHead: string;
  signedAt: string;
  /** first 16 hex digits of the SHA-256 of the public key (SPKI DER) */
  keyId: string;
  /** base64 */
  signature: string;
}

/** An inclusion proof as GET /v1/audit/proofs/{eventId} answers it. */
export interface InclusionProof {
  eventId: string;
  leafIndex: number;
  /** hex */
  leafHash: string;
  chainHash: string;
  treeSize: number;
  /** hex, nearest the leaf first */
  auditPath: string[];
  checkpoint: Checkpoint;
}

/** The key GET /v1/audit/public-key answers. */
export interface AuditPublicKey {
  keyId: string;
  /** SPKI, PEM */
  publicKey: string;
}

/** Which step failed, in the order they are checked. */
export type Failure =
  | 'NO_WEBCRYPTO' // crypto.subtle is missing: not a secure context (https or localhost)
  | 'ED25519_UNSUPPORTED' // the browser's WebCrypto has no Ed25519
  | 'KEY_UNREADABLE' // the public key is not an Ed25519 SPKI PEM
  | 'KEY_MISMATCH' // the checkpoint names another key than the one given
  | 'SIGNATURE_INVALID' // the checkpoint's signature does not verify with the key
  | 'WRONG_EVENT' // the proof is of another event than the one asked for
  | 'PROOF_MALFORMED' // sizes, index or hashes are not what a proof is made of
  | 'ROOT_MISMATCH'; // the leaf and the audit path do not lead to the signed root

export type Verdict = { ok: true } | { ok: false; failure: Failure };

type Subtle = {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
  importKey(format: 'spki', data: Uint8Array, algorithm: { name: string }, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(algorithm: { name: string }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
};

/** WebCrypto's subtle interface where it exists (a secure context in a browser; always under Node 20). */
export function subtleCrypto(): Subtle | null {
  const c = (globalThis as { crypto?: { subtle?: unknown } }).crypto;
  return (c?.subtle as Subtle | undefined) ?? null;
}

const HEX = /^(?:[0-9a-f]{2})+$/i;

export function fromHex(hex: string): Uint8Array {
  if (!HEX.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function fromBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The DER inside a PEM block ("-----BEGIN PUBLIC KEY-----"). */
export function pemBody(pem: string): Uint8Array {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) throw new Error('not a PEM public key');
  return fromBase64(match[1]!);
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

async function sha256(subtle: Subtle, ...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest('SHA-256', concat(...parts)));
}

const NODE = new Uint8Array([1]);

/** RFC 9162 2.1.3.2: the root the leaf and its audit path lead to, or null when the path cannot be one. */
export async function rootFromPath(subtle: Subtle, leaf: Uint8Array, index: number, size: number, path: readonly Uint8Array[]): Promise<Uint8Array | null> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(subtle, NODE, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(subtle, NODE, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** The bytes the gateway signs: RFC 8785 of the checkpoint's body (keys sorted; strings and an integer). */
export function signedBytes(c: Checkpoint): Uint8Array {
  const s = JSON.stringify;
  return new TextEncoder().encode(
    `{"chainHead":${s(c.chainHead)},"logId":${s(c.logId)},"rootHash":${s(c.rootHash)},"signedAt":${s(c.signedAt)},"treeSize":${s(c.treeSize)}}`,
  );
}

/** Is the checkpoint signed by this key? Checks the key id, then the Ed25519 signature. */
export async function verifyCheckpoint(checkpoint: Checkpoint, key: AuditPublicKey, subtle: Subtle | null = subtleCrypto()): Promise<Verdict> {
  if (!subtle) return { ok: false, failure: 'NO_WEBCRYPTO' };
  let der: Uint8Array;
  try {
    der = pemBody(key.publicKey);
  } catch {
    return { ok: false, failure: 'KEY_UNREADABLE' };
  }
  let cryptoKey: unknown;
  try {
    cryptoKey = await subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    const name = (error as { name?: string }).name;
    return { ok: false, failure: name === 'NotSupportedError' ? 'ED25519_UNSUPPORTED' : 'KEY_UNREADABLE' };
  }
  if (toHex(await sha256(subtle, der)).slice(0, 16) !== checkpoint.keyId) return { ok: false, failure: 'KEY_MISMATCH' };
  let signature: Uint8Array;
  try {
    signature = fromBase64(checkpoint.signature);
  } catch {
    return { ok: false, failure: 'SIGNATURE_INVALID' };
  }
  const valid = await subtle.verify({ name: 'Ed25519' }, cryptoKey, signature, signedBytes(checkpoint)).catch(() => false);
  return valid ? { ok: true } : { ok: false, failure: 'SIGNATURE_INVALID' };
}

/**
 * The whole answer for one event: its checkpoint is signed by the key, and its leaf with the audit path
 * leads to that checkpoint's root. `{ ok: true }` means "tercatat dan tidak diubah".
 */
export async function verifyInclusion(proof: InclusionProof, key: AuditPublicKey, askedFor: string, subtle: Subtle | null = subtleCrypto()): Promise<Verdict> {
  const signed = await verifyCheckpoint(proof.checkpoint, key, subtle);
  if (!signed.ok) return signed;
  // A valid proof of another event must not answer for this one.
  if (proof.eventId.toLowerCase() !== askedFor.toLowerCase()) return { ok: false, failure: 'WRONG_EVENT' };
  let leaf: Uint8Array, root: Uint8Array, path: Uint8Array[];
  try {
    leaf = fromHex(proof.leafHash);
    root = fromHex(proof.checkpoint.rootHash);
    path = proof.auditPath.map(fromHex);
  } catch {
    return { ok: false, failure: 'PROOF_MALFORMED' };
  }
  if (proof.treeSize !== proof.checkpoint.treeSize || leaf.length !== 32 || path.some((p) => p.length !== 32)) return { ok: false, failure: 'PROOF_MALFORMED' };
  const computed = await rootFromPath(subtle!, leaf, proof.leafIndex, proof.treeSize, path);
  if (!computed) return { ok: false, failure: 'PROOF_MALFORMED' };
  return equal(computed, root) ? { ok: true } : { ok: false, failure: 'ROOT_MISMATCH' };
}
