import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64url of an HMAC-SHA256: 43 characters, no padding. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A verification token as the client must send it back (its value is checked by `AccessTokens.verify`). */
export const isWellFormedToken = (token: unknown): token is string => typeof token === 'string' && TOKEN.test(token);

/**
 * Binds a balikan to the person an access found, without the server keeping the NIK or anything derived
 * from it: the lookup answer carries HMAC-SHA256(key, "nik-gateway:access-token:v1" | accessId | NIK),
 * the balikan presents it with the NIK, and the server recomputes it. The token is never stored or
 * logged; without the key it says nothing about the NIK. `previous` keys are accepted for verification
 * only, so tokens issued before a rotation stay usable for the rotation window.
 */
export class AccessTokens {
  constructor(
    private readonly current: Buffer,
    private readonly previous: readonly Buffer[] = [],
  ) {}

  issue(accessId: string, nik: string): string {
    return mac(this.current, accessId, nik).toString('base64url');
  }

  /** Constant-time against each key; false for any mismatch (the NIK, the access or the token). */
  verify(accessId: string, nik: string, token: string): boolean {
    if (!isWellFormedToken(token)) return false;
    const given = Buffer.from(token, 'base64url');
    if (given.toString('base64url') !== token) return false; // one spelling per token: the last character's spare bits are zero
    let ok = false;
    for (const key of [this.current, ...this.previous]) ok = timingSafeEqual(mac(key, accessId, nik), given) || ok;
    return ok;
  }
}

/** Domain-separated, length-prefixed fields: no two (accessId, NIK) pairs encode alike. */
function mac(key: Buffer, accessId: string, nik: string): Buffer {
  const hmac = createHmac('sha256', key).update('nik-gateway:access-token:v1');
  for (const field of [accessId.toLowerCase(), nik]) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length).update(bytes);
  }
  return hmac.digest();
}
