import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { AccessTokens, isWellFormedToken } from '../../src/modules/access/lookups/access-token';

const nik = fc.stringMatching(/^\d{16}$/);

describe('The verification token of a lookup', () => {
  const key = randomBytes(32);
  const tokens = new AccessTokens(key);

  it('verifies for the NIK and the access it was issued for, and for no other NIK or access', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), nik, nik, (accessId, otherAccess, a, b) => {
        const token = tokens.issue(accessId, a);
        expect(isWellFormedToken(token)).toBe(true);
        expect(tokens.verify(accessId, a, token)).toBe(true);
        expect(tokens.verify(accessId.toUpperCase(), a, token)).toBe(true);
        if (b !== a) expect(tokens.verify(accessId, b, token)).toBe(false);
        if (otherAccess !== accessId) expect(tokens.verify(otherAccess, a, token)).toBe(false);
      }),
    );
  });

  it('cannot be forged without the key: a token under another key, or altered, is refused', () => {
    fc.assert(
      fc.property(fc.uuid(), nik, fc.nat(42), (accessId, n, at) => {
        expect(tokens.verify(accessId, n, new AccessTokens(randomBytes(32)).issue(accessId, n))).toBe(false);
        const token = tokens.issue(accessId, n);
        const altered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
        expect(tokens.verify(accessId, n, altered)).toBe(false);
      }),
    );
  });

  it('survives a key rotation: a token of the previous key verifies while ACCESS_TOKEN_KEY_PREVIOUS is set', () => {
    const next = randomBytes(32);
    const issuedBefore = tokens.issue('7d1c2a36-1111-4222-8333-944455556666', '3313095512900002');
    expect(new AccessTokens(next, [key]).verify('7d1c2a36-1111-4222-8333-944455556666', '3313095512900002', issuedBefore)).toBe(true);
    expect(new AccessTokens(next).verify('7d1c2a36-1111-4222-8333-944455556666', '3313095512900002', issuedBefore)).toBe(false);
  });

  it('is malformed unless 43 base64url characters', () => {
    for (const bad of ['', 'x'.repeat(42), 'x'.repeat(44), `${'x'.repeat(42)}=`, `${'x'.repeat(42)}+`, 42 as unknown as string])
      expect(isWellFormedToken(bad)).toBe(false);
  });
});
