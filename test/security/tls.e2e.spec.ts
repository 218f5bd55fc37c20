import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distPath, runScript, startGateway } from '../support/processes';

const main = distPath('src', 'main.js');

/** A certificate for 127.0.0.1 made for this test, and its key (0600). */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  chmodSync(key, 0o600);
  return { cert, key };
}

function getOver(kind: 'http' | 'https', url: string, ca?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = (kind === 'https' ? httpsGet : httpGet)(url, { ca, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

/** Passwords, tokens and the nine fields must never cross a network in clear text. */
describe('The gateway over TLS', () => {
  jest.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'nik-tls-'));
  const { cert, key } = selfSigned(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves HTTPS with the configured certificate, and no plain HTTP on that port', async () => {
    const started = await startGateway({
      DATA_DIR: join(dir, 'data'),
      PORT: '0',
      DATABASE_URL: '',
      REGISTRY_URL: '',
      LOG_LEVEL: 'info',
      TLS_CERT_FILE: cert,
      TLS_KEY_FILE: key,
    });
    try {
      const { port } = started;
      const health = await getOver('https', `https://127.0.0.1:${port}/health`, readFileSync(cert));
      expect(health.status).toBe(200);
      await expect(getOver('http', `http://127.0.0.1:${port}/health`)).rejects.toThrow();
      started.child.kill('SIGTERM');
      expect((await started.exited).code).toBe(0);
    } catch (error) {
      started.child.kill('SIGKILL');
      throw error;
    }
  });

  it.each([
    ['a certificate without its key', () => ({ TLS_CERT_FILE: cert }), /^Configuration error: TLS_KEY_FILE: is required with TLS_CERT_FILE/],
    ['a key without its certificate', () => ({ TLS_KEY_FILE: key }), /^Configuration error: TLS_CERT_FILE: is required with TLS_KEY_FILE/],
    [
      'a certificate file that does not exist',
      () => ({ TLS_CERT_FILE: join(dir, 'none.pem'), TLS_KEY_FILE: key }),
      /^Configuration error: TLS_CERT_FILE: cannot read .*none\.pem \(ENOENT\)$/,
    ],
    [
      'a key in place of the certificate',
      () => ({ TLS_CERT_FILE: key, TLS_KEY_FILE: key }),
      /^Configuration error: TLS_CERT_FILE: .* is not a PEM certificate$/,
    ],
  ])('refuses to start with %s, in one line', async (_what, env, line) => {
    const result = await runScript(main, [], { DATA_DIR: join(dir, 'refused'), PORT: '0', DATABASE_URL: '', ...env() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(line);
  });

  it('refuses a key file others can read', async () => {
    const open = join(dir, 'open-key.pem');
    execFileSync('cp', [key, open]);
    chmodSync(open, 0o644);
    const result = await runScript(main, [], { DATA_DIR: join(dir, 'refused'), PORT: '0', DATABASE_URL: '', TLS_CERT_FILE: cert, TLS_KEY_FILE: open });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`Configuration error: TLS_KEY_FILE: ${open} is readable by others or writable by its group; chmod 600 it`);
  });
});
