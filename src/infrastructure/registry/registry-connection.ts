import type { OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { RegistryClient, type RegistryClientOptions } from './registry-client';
import { startRegistrySimulator, type RegistrySimulator } from './simulator/registry-simulator';

/**
 * The registry the gateway talks to: the real service at REGISTRY_URL, or — with no REGISTRY_URL, the
 * embedded default — the simulator started in this process on a loopback port. Either way over HTTP.
 */
export class RegistryConnection implements OnApplicationShutdown {
  private constructor(
    readonly client: RegistryClient,
    readonly simulator: RegistrySimulator | null,
  ) {}

  static async open(config: AppConfig['registry'], logger?: Logger, onCall?: RegistryClientOptions['onCall']): Promise<RegistryConnection> {
    let simulator: RegistrySimulator | null = null;
    let baseUrl = config.url;
    if (!baseUrl) {
      simulator = await startRegistrySimulator({ userId: config.userId, password: config.password });
      baseUrl = simulator.url;
      logger?.warn({ samples: `${simulator.url}/simulator/samples` }, 'no REGISTRY_URL: using the built-in registry simulator (synthetic people only)');
    }
    const client = new RegistryClient({ ...config, baseUrl, breakerResetMs: config.breakerResetMs, onCall });
    return new RegistryConnection(client, simulator);
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.shutdown();
    await this.simulator?.stop();
  }
}
