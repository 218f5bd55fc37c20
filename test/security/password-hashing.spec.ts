import { hashingsRunning, hashPassword, verifyPassword } from '../../src/infrastructure/security/passwords';

// argon2 at 46 MiB takes seconds on a shared 2-core machine: too slow for the unit lane, so it runs here.
describe('Password hashing', () => {
  it('uses argon2id at 46 MiB, one pass, one lane (OWASP), not the 64 MiB four-lane default', async () => {
    const hash = await hashPassword('a-password-for-the-test');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=47104,p=1,t=1\$/);
    expect(await verifyPassword(hash, 'a-password-for-the-test')).toBe(true);
    expect(await verifyPassword(hash, 'another-password')).toBe(false);
  });

  it('runs one hashing at a time however many sign-ins arrive together, and answers each of them', async () => {
    const hash = await hashPassword('a-password-for-the-test');
    let most = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        most = Math.max(most, hashingsRunning());
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => verifyPassword(hash, i % 2 ? 'a-password-for-the-test' : 'wrong')));
    done = true;
    await watch;
    expect(most).toBe(1);
    expect(answers).toEqual([false, true, false, true, false, true, false, true]);
    expect(hashingsRunning()).toBe(0);
  });
});
