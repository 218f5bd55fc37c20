import fc from 'fast-check';
import { mkdtempSync, rmSync, statSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sealer, embeddedKey, parseKey } from '../../src/infrastructure/security/sealing';

describe('Sealing a value that must wait (AES-256-GCM)', () => {
  const sealer = new Sealer(randomBytes(32));

  it('opens what it sealed, for the same row, and the sealed text shows nothing of the value', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 200 }), fc.uuid(), (value, row) => {
        const sealed = sealer.seal(value, row);
        expect(sealer.open(sealed, row)).toBe(value);
        expect(sealed).not.toContain(value);
      }),
    );
  });

  it('refuses to open a value that was altered, moved to another row, or sealed under another key', () => {
    const sealed = sealer.seal('RM-000123', 'row-1');
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => sealer.open(raw.toString('base64'), 'row-1')).toThrow();
    expect(() => sealer.open(sealed, 'row-2')).toThrow();
    expect(() => new Sealer(randomBytes(32)).open(sealed, 'row-1')).toThrow();
  });

  it('seals the same value differently each time (a random IV)', () => {
    expect(sealer.seal('O+', 'row')).not.toBe(sealer.seal('O+', 'row'));
  });

  it('accepts only a 32-byte base64 key', () => {
    expect(parseKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => parseKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseKey('not base64 at all!')).toThrow(/32 bytes/);
  });
});

describe('The embedded key file', () => {
  it('is created once with mode 0600, reused after, and refused when others can read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nik-key-'));
    try {
      const first = embeddedKey(dir);
      expect(first.created).toBe(true);
      expect(statSync(first.path).mode & 0o777).toBe(0o600);
      const again = embeddedKey(dir);
      expect(again.created).toBe(false);
      expect(again.key.equals(first.key)).toBe(true);
      chmodSync(first.path, 0o644);
      expect(() => embeddedKey(dir)).toThrow(/readable by others/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
