import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * AES-256-GCM for values that must wait somewhere (a balikan before the registry acknowledges it):
 * a random 96-bit IV per value, the 128-bit tag checked on opening, and associated data binding the
 * ciphertext to its row, so a sealed value moved to another row does not open.
 */
export class Sealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`a sealing key is ${KEY_BYTES} bytes`);
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** Throws when the value was altered, sealed under another key, or for another row. */
  open(sealed: string, associatedData: string): string {
    const raw = Buffer.from(sealed, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

/** A key given as base64 (BALIKAN_KEY): exactly 32 bytes once decoded. */
export function parseKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== base64.trim().replace(/=+$/, '')) {
    throw new Error(`must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
  }
  return key;
}

/**
 * The embedded default's key (the balikan sealing key, the access-token key): generated once under the
 * data directory with mode 0600 and reused on every start. A key file others can read is refused rather than used.
 */
export function embeddedKey(dataDir: string, file = 'balikan.key'): { key: Buffer; path: string; created: boolean } {
  const path = join(dataDir, file);
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} is readable by others; chmod 600 it`);
    return { key: parseKey(readFileSync(path, 'utf8').trim()), path, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, path, created: true };
}
