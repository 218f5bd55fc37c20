import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Infrastructure } from '../infrastructure';
import { INFRASTRUCTURE, LOGGER } from '../infrastructure.module';
import { PROJECTIONS, type Projection } from './projection';
import { CheckpointMovedError, CheckpointNotInStoreError, ProjectionRunner } from './projection-runner';

const STANDBY_MS = 5000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Runs every projection in the background of the HTTP process. Another instance holding a projection's
 * lock puts this one on standby; a failure (database restarting, store unavailable) is logged and
 * retried with backoff. The process never crashes because a projection failed.
 */
@Injectable()
export class ProjectionHostService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly controller = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.infra.config.runProjections) return;
    this.loops = this.projections.map((p) => this.keepRunning(p));
  }

  async onApplicationShutdown(): Promise<void> {
    this.controller.abort();
    await Promise.all(this.loops);
  }

  private async keepRunning(projection: Projection): Promise<void> {
    const signal = this.controller.signal;
    let backoff = 500;
    while (!signal.aborted) {
      try {
        const outcome = await this.runner.run(projection, { signal });
        if (outcome === 'locked') await pause(STANDBY_MS, signal);
        backoff = 500;
      } catch (error) {
        if (error instanceof CheckpointMovedError) {
          this.logger.debug({ projection: projection.name }, 'checkpoint moved by another runner; re-reading');
          continue; // a race, not a failure: read again from the stored checkpoint at once
        }
        if (error instanceof CheckpointNotInStoreError) {
          // Not a passing failure: an operator must act. Checked again now and then (the right store may come back).
          this.logger.error({ projection: projection.name, reason: error.reason }, error.message);
          await pause(MAX_BACKOFF_MS, signal);
          continue;
        }
        this.logger.warn(
          { projection: projection.name, error: (error as Error).name, code: (error as { code?: unknown }).code },
          'projection failed; retrying',
        );
        await pause(backoff, signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
