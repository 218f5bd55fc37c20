import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distPath, gatewayNodeFlags, runScript, startGateway } from '../support/processes';

const main = distPath('src', 'main.js');
const METRICS_TOKEN = 'startup-metrics-token-0123456789abcdef012345';
/** The keys a server requires; the signing key and the simulator choice come from global-setup. */
const SERVER_KEYS = { BALIKAN_KEY: Buffer.alloc(32, 1).toString('base64'), ACCESS_TOKEN_KEY: Buffer.alloc(32, 2).toString('base64') };
/** The heap bound in MB that `npm start` gives the gateway (--max-old-space-size). */
const heapBoundMb = () => Number(/^--max-old-space-size=(\d+)$/.exec(gatewayNodeFlags().find((f) => f.startsWith('--max-old-space-size=')) ?? '')?.[1]);

/** Start-up as a newcomer or an operator sees it: a real process, its exit code and what it prints. */
describe('Starting the gateway', () => {
  it('starts on the embedded default with nothing installed, serves /health, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nik-start-'));
    let started: Awaited<ReturnType<typeof startGateway>> | undefined;
    try {
      started = await startGateway({ DATA_DIR: dir, PORT: '0', DATABASE_URL: '', EVENTSTORE_CONNECTION_STRING: '', AUDIT_SIGNING_KEY: '', METRICS_TOKEN });
      const { child, exited, output, url } = started;
      // A fresh store: the registers are seeded and the newcomer is told how to sign in.
      // (the one-time passwords are in owner-only files, never on stdout: first-accounts.e2e)
      expect(output).toContain(`First Dinkes administrator created: user id "admin"; its one-time password is in ${join(dir, 'initial-passwords', 'admin')}`);
      expect(output).toContain(
        `First Disdukcapil auditor created: user id "auditor"; its one-time password is in ${join(dir, 'initial-passwords', 'auditor')}`,
      );
      expect(output).not.toContain(readFileSync(join(dir, 'initial-passwords', 'admin'), 'utf8').trim());
      expect(output).toMatch(/No agreement in force \(EXPIRED\)/);
      // The audit log's signing key is generated once, kept private, and its public key printed for Disdukcapil.
      expect(output).toContain('generated the audit signing key');
      expect(output).toContain('-----BEGIN PUBLIC KEY-----');
      expect(statSync(join(dir, 'audit-signing.key')).mode & 0o777).toBe(0o600);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      // It runs with npm start's heap bound, and shows the limit to Prometheus (V8 adds its young generation).
      const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const limitMb = Number(/^nodejs_heap_size_limit_bytes (\d+)$/m.exec(metrics)?.[1]) / 2 ** 20;
      expect(limitMb).toBeGreaterThanOrEqual(heapBoundMb());
      expect(limitMb).toBeLessThanOrEqual(heapBoundMb() + 64);
      child.kill('SIGTERM');
      const stopped = await exited;
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toMatch(/"signal":"SIGTERM","msg":"NIK gateway stopped"/);
    } catch (error) {
      started?.child.kill('SIGKILL'); // never leave the service running behind a failed expectation
      throw error;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the access-token key in a 0600 file of the data directory, and refuses to start when others can read it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nik-start-token-'));
    try {
      const { child, exited } = await startGateway({
        DATA_DIR: dir,
        PORT: '0',
        DATABASE_URL: '',
        EVENTSTORE_CONNECTION_STRING: '',
        ACCESS_TOKEN_KEY: '',
        LOG_LEVEL: 'info',
      });
      child.kill('SIGTERM');
      expect((await exited).code).toBe(0);
      const path = join(dir, 'access-token.key');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      chmodSync(path, 0o640);
      const refused = await runScript(main, [], {
        DATA_DIR: dir,
        PORT: '0',
        DATABASE_URL: '',
        EVENTSTORE_CONNECTION_STRING: '',
        ACCESS_TOKEN_KEY: '',
        LOG_LEVEL: 'silent',
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toMatch(/^Cannot start: ACCESS_TOKEN_KEY: .*access-token\.key is readable by others; chmod 600 it$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is bounded to the same heap under npm start and in the Docker image', () => {
    expect(heapBoundMb()).toBeGreaterThanOrEqual(128);
    const dockerfile = readFileSync(join(__dirname, '..', '..', 'docker', 'Dockerfile'), 'utf8');
    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(command).toEqual(['node', ...gatewayNodeFlags(), 'dist/src/main.js']);
  });

  it.each([
    ['a DATABASE_URL that is not a postgres URL', { DATABASE_URL: 'mysql://db/x' }, /^Configuration error: DATABASE_URL: must be a postgres:\/\/ URL$/],
    ['a PORT that is not a number', { PORT: 'eighty' }, /^Configuration error: PORT: must be an integer/],
    [
      'an AUDIT_SIGNING_KEY that is not an Ed25519 key',
      { AUDIT_SIGNING_KEY: 'bm90IGEga2V5' },
      /^Configuration error: AUDIT_SIGNING_KEY: must be an Ed25519 private key, PEM or base64 PKCS#8/,
    ],
    [
      'an unreachable PostgreSQL server',
      { DATABASE_URL: 'postgres://gateway:hunter2@127.0.0.1:1/app', ...SERVER_KEYS },
      /^Cannot start: DATABASE_URL: cannot reach postgres:\/\/127\.0\.0\.1:1\/app \(ECONNREFUSED\)$/,
    ],
    [
      'a PostgreSQL server but no BALIKAN_KEY',
      { DATABASE_URL: process.env.TEST_EMBEDDED_URL, ...SERVER_KEYS, BALIKAN_KEY: '' },
      /^Configuration error: BALIKAN_KEY: is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING/,
    ],
    [
      'a PostgreSQL server but no ACCESS_TOKEN_KEY',
      { DATABASE_URL: process.env.TEST_EMBEDDED_URL, ...SERVER_KEYS, ACCESS_TOKEN_KEY: '' },
      /^Configuration error: ACCESS_TOKEN_KEY: is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING/,
    ],
    [
      'a PostgreSQL server but no AUDIT_SIGNING_KEY (two instances would sign with two keys)',
      { DATABASE_URL: process.env.TEST_EMBEDDED_URL, ...SERVER_KEYS, AUDIT_SIGNING_KEY: '' },
      /^Configuration error: AUDIT_SIGNING_KEY: is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING/,
    ],
    [
      'a PostgreSQL server but neither a REGISTRY_URL nor the simulator chosen',
      { DATABASE_URL: process.env.TEST_EMBEDDED_URL, ...SERVER_KEYS, REGISTRY_URL: '', REGISTRY_BUILTIN_SIMULATOR: '' },
      /^Configuration error: REGISTRY_URL: is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING: .*REGISTRY_BUILTIN_SIMULATOR=true/,
    ],
    [
      'a BALIKAN_KEY_FILE that does not exist',
      { BALIKAN_KEY_FILE: '/nonexistent/balikan_key' },
      /^Configuration error: BALIKAN_KEY_FILE: cannot read \/nonexistent\/balikan_key \(ENOENT\)$/,
    ],
    ['an ACCESS_TOKEN_KEY that is not 32 bytes', { ACCESS_TOKEN_KEY: 'c2hvcnQ=' }, /^Configuration error: ACCESS_TOKEN_KEY: must be 32 bytes in base64/],
    [
      'an unreachable EventStoreDB',
      { DATABASE_URL: process.env.TEST_EMBEDDED_URL, ...SERVER_KEYS, EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' },
      /^Cannot start: EVENTSTORE_CONNECTION_STRING: cannot reach esdb:\/\/127\.0\.0\.1:1/,
    ],
  ])('stops with one clear line naming the setting when given %s', async (_what, env, line) => {
    const result = await runScript(main, [], { PORT: '0', LOG_LEVEL: 'silent', ...env });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it('says it stopped and exits 0 on Ctrl-C (SIGINT), also when the signal comes twice as under npm start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nik-start-int-'));
    const { child, exited } = await startGateway({ DATA_DIR: dir, PORT: '0', DATABASE_URL: '', EVENTSTORE_CONNECTION_STRING: '', LOG_LEVEL: 'info' });
    try {
      child.kill('SIGINT');
      child.kill('SIGINT'); // npm forwards the one the terminal already sent to the whole process group
      const stopped = await exited;
      expect(stopped.code).toBe(0);
      expect(stopped.signal).toBeNull();
      expect(stopped.stdout).toMatch(/"signal":"SIGINT","msg":"NIK gateway stopped"/);
      expect(stopped.stderr).toBe(''); // the sentence for a person goes to a terminal only; this stderr is a pipe
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('when the address or the data directory cannot be used, it stops at once with one line on stderr naming the setting and nothing on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nik-start-addr-'));
    const occupier = createServer();
    let takenPort = 0;
    beforeAll(async () => {
      await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
      takenPort = (occupier.address() as AddressInfo).port;
      writeFileSync(join(dir, 'a-file'), '');
    });
    afterAll(async () => {
      await new Promise((resolve) => occupier.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    it.each([
      [
        'PORT already taken by another process',
        () => ({ PORT: String(takenPort), HOST: '127.0.0.1' }),
        () =>
          new RegExp(
            `^Cannot start: PORT: port ${takenPort} on 127\\.0\\.0\\.1 is already in use by another process \\(EADDRINUSE\\); stop that process or set PORT to a free port$`,
          ),
      ],
      [
        'HOST that does not resolve',
        () => ({ PORT: '0', HOST: 'no-such-host.invalid' }),
        () => /^Cannot start: HOST: cannot resolve "no-such-host\.invalid" \(E[A-Z_]+\); set HOST to an address of this machine/,
      ],
      [
        'HOST that is not an address of this machine',
        () => ({ PORT: '0', HOST: '192.0.2.1' }),
        () => /^Cannot start: HOST: 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\); set HOST to one of its addresses/,
      ],
      [
        'DATA_DIR that is a file',
        () => ({ PORT: '0', DATA_DIR: join(dir, 'a-file') }),
        () => /^Cannot start: DATA_DIR: .*a-file is not a directory;.* Fix: point DATA_DIR at a directory/,
      ],
    ])('%s', async (_what, env, line) => {
      const result = await runScript(main, [], {
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: '',
        EVENTSTORE_CONNECTION_STRING: '',
        LOG_LEVEL: 'info',
        ...env(),
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(line())]);
      expect(result.stdout).toBe(''); // no JSON error line after the sentence (Nest used to log the listen error)
    });
  });
});
