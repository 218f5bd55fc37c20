import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, REQUIRED_WITH_A_SERVER, SECRET_FILE_SETTINGS, describeUrl, loadConfig } from '../../src/infrastructure/config/config';

/** Settings of a gateway on a server: keys from files (Compose secrets), and what a server cannot start without. */

const BALIKAN_KEY = Buffer.alloc(32, 7).toString('base64');
const signingKeyPem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SERVER: NodeJS.ProcessEnv = {
  DATABASE_URL: 'postgres://gateway@db:5432/gateway',
  BALIKAN_KEY,
  ACCESS_TOKEN_KEY: Buffer.alloc(32, 8).toString('base64'),
  AUDIT_SIGNING_KEY: signingKeyPem(),
  REGISTRY_URL: 'http://172.16.0.10:8080',
  REGISTRY_USER_ID: 'dinkes_kra',
  REGISTRY_PASSWORD: 'issued-by-disdukcapil',
  BALIKAN_URL: 'http://172.16.0.10:8080',
  BALIKAN_TOKEN: 'issued-by-disdukcapil-too',
};

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'nik-settings-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};

describe('A key given as a file (<NAME>_FILE, as Compose secrets are)', () => {
  it('is read, surrounding whitespace and the final newline trimmed, whatever they are', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ \t\n\r]{0,4}$/), fc.stringMatching(/^[ \t\n\r]{0,4}$/), (before, after) => {
        const path = file('balikan_key', `${before}${BALIKAN_KEY}${after}`);
        expect(loadConfig({ ...SERVER, BALIKAN_KEY: '', BALIKAN_KEY_FILE: path }).balikan.key).toBe(BALIKAN_KEY);
      }),
      { numRuns: 30 },
    );
  });

  it('works for every secret setting, and a PEM signing key keeps its lines', () => {
    const pem = signingKeyPem();
    const config = loadConfig({ ...SERVER, AUDIT_SIGNING_KEY: '', AUDIT_SIGNING_KEY_FILE: file('audit_signing_key', pem) });
    expect(config.audit.signingKey).toBe(pem.trim());
    const url = 'postgres://gateway:s3cret@db:5432/gateway';
    expect(loadConfig({ ...SERVER, DATABASE_URL: '', DATABASE_URL_FILE: file('database_url', `${url}\n`) }).databaseUrl).toBe(url);
    expect(SECRET_FILE_SETTINGS).toEqual(
      expect.arrayContaining(['BALIKAN_KEY', 'ACCESS_TOKEN_KEY', 'AUDIT_SIGNING_KEY', 'REGISTRY_PASSWORD', 'BALIKAN_TOKEN']),
    );
  });

  it('is checked as the value itself would be: a wrong key in a file is refused naming the setting', () => {
    expect(() => loadConfig({ ...SERVER, BALIKAN_KEY: '', BALIKAN_KEY_FILE: file('short', 'c2hvcnQ=\n') })).toThrow(/^BALIKAN_KEY: /);
  });

  it('that is missing stops the start naming the _FILE setting and the path', () => {
    expect(() => loadConfig({ ...SERVER, BALIKAN_KEY: '', BALIKAN_KEY_FILE: join(dir, 'nope') })).toThrow(
      new ConfigError('BALIKAN_KEY_FILE', `cannot read ${join(dir, 'nope')} (ENOENT)`),
    );
  });

  it('that is empty stops the start: an empty key is a mistake, not a default', () => {
    expect(() => loadConfig({ ...SERVER, ACCESS_TOKEN_KEY: '', ACCESS_TOKEN_KEY_FILE: file('empty', '\n') })).toThrow(/^ACCESS_TOKEN_KEY_FILE: .* is empty$/);
  });

  it('next to the same setting given directly is refused, naming both: which one wins would be a guess', () => {
    expect(() => loadConfig({ ...SERVER, BALIKAN_KEY_FILE: file('balikan_key_2', BALIKAN_KEY) })).toThrow(/^BALIKAN_KEY_FILE: and BALIKAN_KEY are both set/);
  });
});

describe('A gateway on a server (DATABASE_URL or EVENTSTORE_CONNECTION_STRING)', () => {
  it('starts with every required setting', () => {
    const config = loadConfig(SERVER);
    expect(config.registry.builtinSimulator).toBe(false);
  });

  it.each(REQUIRED_WITH_A_SERVER.map((either) => [either.join(' or '), either] as const))('is refused without %s, naming it', (_names, either) => {
    const without = { ...SERVER, ...Object.fromEntries(either.map((name) => [name, ''])) };
    const setting = either[0]!;
    if (setting === 'DATABASE_URL') without.EVENTSTORE_CONNECTION_STRING = 'esdb://es:2113?tls=false'; // still a server
    expect(() => loadConfig(without)).toThrow(new RegExp(`^${setting}: is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING`));
  });

  it('never falls back to the built-in simulator silently: without REGISTRY_URL it must be chosen', () => {
    expect(() => loadConfig({ ...SERVER, REGISTRY_URL: '' })).toThrow(/^REGISTRY_URL: .*REGISTRY_BUILTIN_SIMULATOR=true for a trial with synthetic people/);
    expect(loadConfig({ ...SERVER, REGISTRY_URL: '', REGISTRY_BUILTIN_SIMULATOR: 'true' }).registry).toMatchObject({ url: undefined, builtinSimulator: true });
    expect(() => loadConfig({ ...SERVER, REGISTRY_BUILTIN_SIMULATOR: 'yes' })).toThrow(/^REGISTRY_BUILTIN_SIMULATOR: must be true or false$/);
  });

  it('with REGISTRY_URL set uses that registry even if the simulator is also chosen', () => {
    expect(loadConfig({ ...SERVER, REGISTRY_BUILTIN_SIMULATOR: 'true' }).registry).toMatchObject({ url: SERVER.REGISTRY_URL, builtinSimulator: false });
  });
});

describe('The EventStoreDB connection string, read as the client that connects reads it', () => {
  const withStore = (value: string) => loadConfig({ ...SERVER, EVENTSTORE_CONNECTION_STRING: value });

  it.each([
    'esdb://n1:2113,n2:2113,n3:2113?tls=true',
    'esdb://es:2113?tls=false',
    'esdb+discover://cluster.dinkes.local:2113',
    'esdb://admin:changeit@es:2113?tls=true',
  ])('accepts %s (a single node, the three-node cluster the docs give, DNS discovery, credentials)', (value) => {
    expect(withStore(value).eventStoreConnectionString).toBe(value);
  });

  it.each(['kurrentdb://es:2113', 'http://es:2113', 'es:2113', 'esdb://'])('refuses %s at start, naming the setting and the forms it takes', (value) => {
    expect(() => withStore(value)).toThrow(ConfigError);
    expect(() => withStore(value)).toThrow(/^EVENTSTORE_CONNECTION_STRING: cannot be read.*expected esdb:\/\/host:2113/);
  });

  it('never repeats what it could not read: a password in a mistyped string stays out of the message', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), (password) => {
        let message = '';
        try {
          withStore(`kurrentdb://admin:${password}@es:2113`);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message).toMatch(/^EVENTSTORE_CONNECTION_STRING: /);
        expect(message).not.toContain(password);
      }),
    );
  });

  it('refuses throwOnAppendFailure=false: a refused append must throw, or a concurrent change would pass unseen', () => {
    expect(() => withStore('esdb://es:2113?tls=false&throwOnAppendFailure=false')).toThrow(
      /^EVENTSTORE_CONNECTION_STRING: must not set throwOnAppendFailure=false/,
    );
    expect(withStore('esdb://es:2113?tls=false&throwOnAppendFailure=true').eventStoreConnectionString).toContain('throwOnAppendFailure=true');
  });

  it.each([
    ['esdb://admin:changeit@n1:2113,n2:2113,n3:2113?tls=false', 'esdb://n1:2113,n2:2113,n3:2113'],
    ['esdb+discover://admin:changeit@cluster.dinkes.local:2113', 'esdb+discover://cluster.dinkes.local:2113'],
    ['esdb://es?tls=false', 'esdb://es:2113'],
    ['postgres://gateway:secret@db:5432/gateway', 'postgres://db:5432/gateway'],
  ])('names %s in a "cannot reach" line as its hosts only: %s', (value, shown) => {
    expect(describeUrl(value)).toBe(shown);
  });

  it('never shows the password of a multi-node connection string in a "cannot reach" line', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), fc.integer({ min: 1, max: 5 }), (password, nodes) => {
        const hosts = Array.from({ length: nodes }, (_, i) => `node${i + 1}.dinkes.local:2113`);
        const shown = describeUrl(`esdb://admin:${password}@${hosts.join(',')}?tls=true`);
        expect(shown).toBe(`esdb://${hosts.join(',')}`);
        expect(shown).not.toContain(password);
      }),
    );
  });

  it('bounds every read by EVENTSTORE_READ_TIMEOUT_MS, 10 s unless set (the client itself gives reads no deadline)', () => {
    expect(withStore('esdb://es:2113?tls=false').eventStoreReadTimeoutMs).toBe(10_000);
    expect(
      loadConfig({ ...SERVER, EVENTSTORE_CONNECTION_STRING: 'esdb://es:2113?tls=false', EVENTSTORE_READ_TIMEOUT_MS: '2500' }).eventStoreReadTimeoutMs,
    ).toBe(2500);
    expect(() => loadConfig({ ...SERVER, EVENTSTORE_READ_TIMEOUT_MS: '0' })).toThrow(/^EVENTSTORE_READ_TIMEOUT_MS: must be an integer from 100 to 600000$/);
  });
});

describe('The embedded default', () => {
  it('still needs no setting at all: it generates its keys and runs the simulator in-process', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.registry).toMatchObject({ url: undefined, builtinSimulator: true });
  });
});
