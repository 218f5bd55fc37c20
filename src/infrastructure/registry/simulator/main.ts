/**
 * The registry simulator alone: `npm run registry:simulator`, or the `registry-simulator` service of
 * docker/compose.yml for a trial. Port REGISTRY_SIMULATOR_PORT (default 7070) on REGISTRY_SIMULATOR_HOST
 * (default 127.0.0.1; 0.0.0.0 in a container, so the gateway's container reaches it), credentials
 * REGISTRY_USER_ID / REGISTRY_PASSWORD (default simulator / simulator), the data-balikan token BALIKAN_TOKEN
 * (default simulator-balikan-token). The `_FILE` forms of the secrets are read as the gateway reads them.
 */
import { readFileSync } from 'node:fs';
import { startRegistrySimulator } from './registry-simulator';

const setting = (name: string): string | undefined => {
  const file = process.env[`${name}_FILE`];
  return file ? readFileSync(file, 'utf8').trim() : process.env[name] || undefined;
};

async function main(): Promise<void> {
  const simulator = await startRegistrySimulator({
    port: Number(process.env.REGISTRY_SIMULATOR_PORT ?? 7070),
    host: process.env.REGISTRY_SIMULATOR_HOST ?? '127.0.0.1',
    userId: process.env.REGISTRY_USER_ID,
    password: setting('REGISTRY_PASSWORD'),
    balikanToken: setting('BALIKAN_TOKEN'),
  });
  process.stdout.write(`Registry simulator on ${simulator.url} — sample NIKs at ${simulator.url}/simulator/samples\n`);
  const stop = () => void simulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
