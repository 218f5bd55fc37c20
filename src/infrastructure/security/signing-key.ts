import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** AUDIT_SIGNING_KEY: an Ed25519 private key as PEM, or base64 of its PKCS#8 DER. */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed)
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('must be an Ed25519 private key (openssl genpkey -algorithm ed25519)');
  return key;
}

/** A public key to verify with: a PEM file, a PEM text, or base64 of the SPKI DER. */
export function parsePublicKey(text: string): KeyObject {
  const value = !text.includes('BEGIN') && existsSync(text) ? readFileSync(text, 'utf8') : text;
  const trimmed = value.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the public key must be an Ed25519 key');
  return key;
}
