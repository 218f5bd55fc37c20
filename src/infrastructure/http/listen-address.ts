import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import { StartupError } from '../infrastructure';

/**
 * Why the gateway cannot listen on HOST:PORT, as the setting to change and what to do; undefined for an
 * error that is not about the address.
 */
export function listenFailure(error: unknown, host: string, port: number): StartupError | undefined {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(
        'PORT',
        `port ${port} on ${host} is already in use by another process (EADDRINUSE); stop that process or set PORT to a free port`,
      );
    case 'EACCES':
      return new StartupError('PORT', `port ${port} needs privileges this user does not have (EACCES); set PORT to 1024 or above and put a proxy in front`);
    case 'EADDRNOTAVAIL':
      return new StartupError('HOST', `${host} is not an address of this machine (EADDRNOTAVAIL); set HOST to one of its addresses, or 0.0.0.0 for all`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new StartupError('HOST', `cannot resolve "${host}" (${code}); set HOST to an address of this machine, e.g. 0.0.0.0 or 127.0.0.1`);
    default:
      return undefined;
  }
}

/**
 * Fails at once, before the database opens (seconds on the embedded default), when HOST:PORT cannot be
 * listened on: HOST does not resolve or is not local, PORT is taken or privileged. A port taken in between
 * is still caught by the real listen.
 */
export async function checkListenAddress(host: string, port: number): Promise<void> {
  try {
    await lookup(host);
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
    });
  } catch (error) {
    throw listenFailure(error, host, port) ?? error;
  }
}
