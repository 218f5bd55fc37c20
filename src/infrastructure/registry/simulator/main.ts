/**
 * The registry simulator alone: `npm run registry:simulator`. Port REGISTRY_SIMULATOR_PORT (default 7070),
 * credentials REGISTRY_USER_ID / REGISTRY_PASSWORD (default simulator / simulator).
 */
import { startRegistrySimulator } from './registry-simulator';

async function main(): Promise<void> {
  const simulator = await startRegistrySimulator({
    port: Number(process.env.REGISTRY_SIMULATOR_PORT ?? 7070),
    userId: process.env.REGISTRY_USER_ID,
    password: process.env.REGISTRY_PASSWORD,
  });
  process.stdout.write(`Registry simulator on ${simulator.url} — sample NIKs at ${simulator.url}/simulator/samples\n`);
  const stop = () => void simulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
