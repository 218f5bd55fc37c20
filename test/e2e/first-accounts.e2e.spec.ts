import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEEDED_ADMIN_ID, SEEDED_AUDITOR_ID } from '../../src/modules/access/seed/seed';
import { gatewayClient, signIn, type GatewayCall } from '../support/gateway-client';
import { distPath, runScript, startGateway } from '../support/processes';

const cli = distPath('src', 'cli.js');
const main = distPath('src', 'main.js');

/**
 * The first accounts of both parties, as real processes on an embedded data directory: their one-time
 * passwords live in owner-only files (never on stdout or in the log), survive a start that fails, and
 * can be replaced offline. A party's last administrator holds under concurrent suspensions.
 */
describe('The first passwords of Dinkes and Disdukcapil', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let busy: Server;
  const password = (userId: string) => readFileSync(join(dir, 'initial-passwords', userId), 'utf8').trim();
  const mode = (path: string) => statSync(path).mode & 0o777;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nik-first-'));
    // No configured first passwords: the gateway must make them up and keep them.
    env = {
      DATA_DIR: dir,
      DATABASE_URL: '',
      EVENTSTORE_CONNECTION_STRING: '',
      INITIAL_ADMIN_PASSWORD: '',
      INITIAL_AUDITOR_PASSWORD: '',
      LOG_LEVEL: 'info',
      REGISTRY_URL: '',
      SIGN_IN_ATTEMPTS_PER_MINUTE: '1000',
    };
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function withGateway<T>(work: (call: GatewayCall, output: () => string) => Promise<T>): Promise<T> {
    const started = await startGateway({ ...env, PORT: '0' });
    try {
      return await work(gatewayClient(started.url), () => started.output);
    } finally {
      started.child.kill('SIGTERM');
      await started.exited;
    }
  }

  const login = async (call: GatewayCall, userId: string, secret: string) => call('POST', '/v1/auth/login', undefined, { userId, password: secret });

  it('a start refused on a port in use creates no account; the next start keeps each first password in a 0600 file, never on stdout', async () => {
    const port = (busy.address() as { port: number }).port;
    const failed = await runScript(main, [], { ...env, PORT: String(port) });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/^Cannot start: PORT:/m);
    // The port is checked before the store is opened: nothing was seeded, so no password can be lost.
    expect(existsSync(join(dir, 'initial-passwords'))).toBe(false);

    await withGateway(async (call, output) => {
      for (const userId of ['admin', 'auditor']) {
        const secret = password(userId);
        expect(secret.length).toBeGreaterThanOrEqual(20);
        expect(mode(join(dir, 'initial-passwords', userId))).toBe(0o600);
        expect(output()).not.toContain(secret);
        expect(output()).toContain(join(dir, 'initial-passwords', userId));
      }
      expect(mode(join(dir, 'initial-passwords'))).toBe(0o700);
      expect((await login(call, 'admin', password('admin'))).body.role).toBe('DINKES_ADMIN');
      expect((await login(call, 'auditor', password('auditor'))).body.role).toBe('DUKCAPIL_AUDITOR');
    });
  });

  it("a party's last active administrator cannot be suspended, even by two suspensions at once", async () => {
    await withGateway(async (call) => {
      const admin = await signIn(call, 'admin', password('admin')); // the first sign-in changes the one-time password
      const facilities = (await call('GET', '/v1/facilities', admin)).body as unknown as { facilityId: string; kind: string }[];
      const dinkes = facilities.find((f) => f.kind === 'DINKES')!.facilityId;
      const second = await call('POST', '/v1/operators', admin, {
        userId: 'admin.kedua',
        password: 'second-admin-password',
        role: 'DINKES_ADMIN',
        facilityId: dinkes,
      });
      expect(second.status).toBe(201);
      const secondToken = await signIn(call, 'admin.kedua', 'second-admin-password');
      const first = SEEDED_ADMIN_ID;
      // Each suspends the other at the same moment: one of them must stay.
      const answers = await Promise.all([
        call('POST', `/v1/operators/${second.body.operatorId}/suspension`, admin),
        call('POST', `/v1/operators/${first}/suspension`, secondToken),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)!.body.code).toBe('LAST_ADMINISTRATOR');
      // And the one left can neither be suspended nor revoked by itself.
      const [survivor, token] = answers[0]!.status === 201 ? [first, admin] : [second.body.operatorId as string, secondToken];
      expect((await call('POST', `/v1/operators/${survivor}/revocation`, token)).body.code).toBe('LAST_ADMINISTRATOR');
      // Disdukcapil's only auditor likewise.
      const auditor = await signIn(call, 'auditor', password('auditor'));
      expect((await call('POST', `/v1/operators/${SEEDED_AUDITOR_ID}/suspension`, auditor)).body.code).toBe('LAST_ADMINISTRATOR');
    });
  });

  it('admin:reset and auditor:reset write a new one-time password to the file, end the old one, lift a lockout, and record it as the offline recovery', async () => {
    const before = { admin: password('admin'), auditor: password('auditor') };
    // The admin who forgot the password tried too often: locked out.
    await withGateway(async (call) => {
      for (let i = 0; i < 5; i++) expect((await login(call, 'admin', `wrong-guess-${i}-of-five`)).status).toBe(401);
      expect((await login(call, 'admin', before.admin)).body.code).toBe('ACCOUNT_LOCKED');
    });
    for (const command of ['admin:reset', 'auditor:reset']) {
      const result = await runScript(cli, [command], { ...env, LOG_LEVEL: 'silent' });
      expect({ command, code: result.code, stderr: result.stderr }).toEqual({ command, code: 0, stderr: '' });
      expect(result.stdout).toContain(join(dir, 'initial-passwords'));
    }
    expect(password('admin')).not.toBe(before.admin);
    expect(password('auditor')).not.toBe(before.auditor);
    await withGateway(async (call, output) => {
      expect((await login(call, 'admin', before.admin)).status).toBe(401);
      const admin = await login(call, 'admin', password('admin'));
      expect(admin.status).toBe(200); // the lockout is lifted with the recovery
      expect(admin.body.mustChangePassword).toBe(true); // a one-time password
      expect((await login(call, 'auditor', password('auditor'))).status).toBe(200);
      expect(output()).not.toContain(password('admin'));
    });
    const exported = join(dir, 'export');
    expect((await runScript(cli, ['audit', 'export', '--to', exported], { ...env, LOG_LEVEL: 'silent' })).code).toBe(0);
    const recovered = readFileSync(join(exported, 'events.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).event)
      .filter((e) => e?.type === 'OperatorPasswordChanged' && e.data.by === 'ADMIN');
    expect(recovered.map((e) => e.data.actorId)).toEqual(['OFFLINE_RECOVERY', 'OFFLINE_RECOVERY']);
  });
});
