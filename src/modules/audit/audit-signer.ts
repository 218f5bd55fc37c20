import type { Logger } from 'pino';
import type { AppConfig, StorageMode } from '../../infrastructure/config/config';
import { parseSigningKey } from '../../infrastructure/security/signing-key';
import { CheckpointSigner, keyFromDataDir } from './checkpoint';

/** Signs the audit log's checkpoints; resolved (and a key file created, without AUDIT_SIGNING_KEY) on first use. */
export type AuditSigner = () => CheckpointSigner;

/** The process's one AuditSigner, opened by the composition root and provided to Nest under this token. */
export const AUDIT_SIGNER = Symbol('AUDIT_SIGNER');

/** AUDIT_SIGNING_KEY, or a key kept under DATA_DIR (generated once, its public key printed); made once, on first use. */
export function auditSigner(config: AppConfig, mode: StorageMode, logger?: Logger): AuditSigner {
  let signer: CheckpointSigner | undefined;
  return () => (signer ??= openAuditSigner(config, mode, logger));
}

function openAuditSigner(config: AppConfig, mode: StorageMode, logger?: Logger): CheckpointSigner {
  if (config.audit.signingKey) return new CheckpointSigner(parseSigningKey(config.audit.signingKey));
  const { key, path, created } = keyFromDataDir(config.dataDir);
  const signer = new CheckpointSigner(key);
  const line = { path, keyId: signer.keyId, publicKey: signer.publicKeyPem().trim() };
  if (mode !== 'embedded')
    logger?.warn(line, 'no AUDIT_SIGNING_KEY: checkpoints are signed with a key kept under DATA_DIR; give every instance the same AUDIT_SIGNING_KEY');
  else
    logger?.info(
      line,
      created ? 'generated the audit signing key (mode 0600); give Disdukcapil this public key' : 'audit checkpoints are signed with this key',
    );
  return signer;
}
