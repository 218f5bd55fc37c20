import type { OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { StartupError } from '../infrastructure';
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
      const port = config.builtinSimulatorPort;
      simulator = await startRegistrySimulator({ userId: config.userId, password: config.password, port }).catch((error: unknown) => {
        const code = (error as { code?: string }).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
        throw new StartupError(
          'REGISTRY_BUILTIN_SIMULATOR_PORT',
          `the built-in registry simulator cannot listen on 127.0.0.1:${port} (${code}); set REGISTRY_BUILTIN_SIMULATOR_PORT to a free port, or 0 for any`,
        );
      });
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
