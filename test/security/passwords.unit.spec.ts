import fc from 'fast-check';
import { dictionary } from '@zxcvbn-ts/language-common';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config';
import { passwordProblem } from '../../src/infrastructure/security/password-policy';
import { SignInAdmission } from '../../src/modules/access/auth/sign-in-admission';

describe('The password policy (NIST SP 800-63B)', () => {
  const userIdArb = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{2,39}$/);
  const common = (dictionary['passwords-common'] as string[]).filter((p) => p.length >= 12);

  it('refuses one character repeated, whatever the character and the length', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }), fc.integer({ min: 12, max: 100 }), userIdArb, (c, n, userId) => {
        fc.pre([...c.repeat(n)].length <= 128);
        expect(passwordProblem(c.repeat(n), userId)).toBe('PASSWORD_REPEATED_CHARACTER');
      }),
    );
  });

  it('refuses a password holding the user id, in any case, anywhere', () => {
    fc.assert(
      fc.property(userIdArb, fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.boolean(), (userId, before, after, upper) => {
        const password = `${before}${upper ? userId.toUpperCase() : userId}${after}xy`;
        fc.pre([...password].length <= 128 && [...password].length >= 12 && new Set(password).size > 1);
        expect(passwordProblem(password, userId)).toBe('PASSWORD_CONTAINS_USER_ID');
      }),
    );
  });

  it('refuses the common passwords of the list, in any case and with digits or symbols added at the end', () => {
    fc.assert(
      fc.property(fc.constantFrom(...common), fc.stringMatching(/^[0-9!@#.]{0,6}$/), fc.boolean(), (password, suffix, upper) => {
        expect(passwordProblem(`${upper ? password.toUpperCase() : password}${suffix}`, 'pkm.jaten1.loket2')).toBe('PASSWORD_TOO_COMMON');
      }),
    );
    expect(passwordProblem('password1234', 'pkm.jaten1.loket2')).toBe('PASSWORD_TOO_COMMON');
  });

  it("accepts a long passphrase of the operator's own", () => {
    for (const password of ['kopi tubruk di pasar jaten', 'Loket-2 Puskesmas Jaten sore', 'correct horse battery staple'])
      expect(passwordProblem(password, 'pkm.jaten1.loket2')).toBeNull();
  });

  it('refuses a weak INITIAL_ADMIN_PASSWORD at start-up, naming the setting', () => {
    for (const [password, problem] of [
      ['aaaaaaaaaaaaaaaa', 'PASSWORD_REPEATED_CHARACTER'],
      ['my-admin-password', 'PASSWORD_CONTAINS_USER_ID'],
      ['qwertyuiop123', 'PASSWORD_TOO_COMMON'],
    ]) {
      expect(() => loadConfig({ INITIAL_ADMIN_PASSWORD: password })).toThrow(ConfigError);
      expect(() => loadConfig({ INITIAL_ADMIN_PASSWORD: password })).toThrow(new RegExp(`INITIAL_ADMIN_PASSWORD: .*${problem}`));
    }
  });
});

describe('Admission of sign-ins', () => {
  it('admits at most the limit per address per minute, each address on its own, and frees it a minute later', () => {
    const admission = new SignInAdmission(10, 1000);
    const t0 = 1_000_000;
    for (let i = 0; i < 10; i++) expect('release' in admission.admit('10.20.1.5', t0 + i)).toBe(true);
    const refused = admission.admit('10.20.1.5', t0 + 100);
    expect('refused' in refused && refused.refused.code).toBe('SIGN_IN_RATE_LIMITED');
    expect('refused' in refused && refused.retryAfter).toBe(60);
    expect('release' in admission.admit('10.20.2.9', t0 + 100)).toBe(true);
    expect('release' in admission.admit('10.20.1.5', t0 + 60_001)).toBe(true);
  });

  it('admits at most the bound of sign-ins in flight, and one more once one ends', () => {
    const admission = new SignInAdmission(1000, 3);
    const admitted = [1, 2, 3].map((i) => admission.admit(`10.0.0.${i}`));
    const busy = admission.admit('10.0.0.9');
    expect('refused' in busy && busy.refused.code).toBe('SIGN_IN_BUSY');
    (admitted[0] as { release: () => void }).release();
    (admitted[0] as { release: () => void }).release(); // twice counts once
    expect('release' in admission.admit('10.0.0.9')).toBe(true);
    expect('refused' in admission.admit('10.0.0.10')).toBe(true);
  });
});
