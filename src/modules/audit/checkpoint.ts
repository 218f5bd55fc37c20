import canonicalize from 'canonicalize';
import { createHash, createPublicKey, generateKeyPairSync, hkdfSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSigningKey } from '../../infrastructure/security/signing-key';

/** Names this log in every signed checkpoint, so a signature cannot be replayed for another log. */
export const LOG_ID = 'nik-gateway:dinkes-karanganyar';

/** A signed tree head: the log's size, Merkle root and chain head at one moment, signed with Ed25519. */
export interface Checkpoint {
  readonly logId: string;
  readonly treeSize: number;
  /** hex */
  readonly rootHash: string;
  /** hex: the chain digest of the last event it covers */
  readonly chainHead: string;
  readonly signedAt: string;
  /** first 16 hex digits of the SHA-256 of the public key (SPKI DER) */
  readonly keyId: string;
  /** base64 Ed25519 signature over signedBytes() */
  readonly signature: string;
}

export type CheckpointBody = Omit<Checkpoint, 'signature' | 'keyId'>;

/** A row of audit_checkpoints as selected with CHECKPOINT_COLUMNS. */
export interface CheckpointRow {
  tree_size: string;
  root_hash: string;
  chain_head: string;
  signed_at: Date;
  key_id: string;
  signature: string;
}

export const CHECKPOINT_COLUMNS = 'tree_size::text, root_hash, chain_head, signed_at, key_id, signature';

export const checkpointOfRow = (r: CheckpointRow): Checkpoint => ({
  logId: LOG_ID,
  treeSize: Number(r.tree_size),
  rootHash: r.root_hash,
  chainHead: r.chain_head,
  signedAt: new Date(r.signed_at).toISOString(),
  keyId: r.key_id,
  signature: r.signature,
});

/** The bytes signed: the body in the JSON Canonicalization Scheme. */
export const signedBytes = (body: CheckpointBody) =>
  Buffer.from(
    canonicalize({ logId: body.logId, treeSize: body.treeSize, rootHash: body.rootHash, chainHead: body.chainHead, signedAt: body.signedAt })!,
    'utf8',
  );

export const keyIdOf = (publicKey: KeyObject) =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);

export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  sign(body: CheckpointBody): Checkpoint {
    return { ...body, keyId: this.keyId, signature: sign(null, signedBytes(body), this.privateKey).toString('base64') };
  }

  /** A 256-bit secret for another use, derived from this key (HKDF-SHA256, labelled): kept and rotated with it. */
  deriveSecret(label: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.privateKey.export({ type: 'pkcs8', format: 'der' }), Buffer.alloc(0), `nik-gateway:${label}`, 32));
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

export function verifyCheckpoint(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedBytes(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/** The key kept under the data directory when none is configured (mode 0600), created on first use. */
export function keyFromDataDir(dataDir: string): { key: KeyObject; path: string; created: boolean } {
  const path = join(dataDir, 'audit-signing.key');
  if (existsSync(path)) {
    // As the balikan key: a signing key others could read may have signed forged checkpoints; refuse it.
    if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} is readable by others; chmod 600 it (and rotate the key if others could have read it)`);
    return { key: parseSigningKey(readFileSync(path, 'utf8')), path, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  // Written whole under a private name, then linked into place: the service and its projection worker may both
  // reach here on a first start, and neither may read a half-written key. The first key linked is the key.
  const draft = `${path}.${randomUUID()}.tmp`;
  try {
    writeFileSync(draft, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' });
    chmodSync(draft, 0o600);
    linkSync(draft, path);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return { ...keyFromDataDir(dataDir), created: false };
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return { key: privateKey, path, created: true };
}
