import argon2 from 'argon2';

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4): the OWASP-recommended family. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

let dummy: Promise<string> | undefined;
/** Spends the same time as a real check, so a login for an unknown user id answers no faster. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword('not-a-real-password-but-the-same-cost');
  await verifyPassword(await dummy, password);
  return false;
}
