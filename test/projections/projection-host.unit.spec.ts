import type { Logger } from 'pino';
import type { Infrastructure } from '../../src/infrastructure/infrastructure';
import type { Projection } from '../../src/infrastructure/projections/projection';
import { ProjectionHostService } from '../../src/infrastructure/projections/projection-host.service';
import { CheckpointNotInStoreError, type ProjectionRunner } from '../../src/infrastructure/projections/projection-runner';
import { until } from '../support/until';

/**
 * A projection refused because its checkpoint is not in the event store is not a passing failure: the
 * operator must act. The host says so as an error naming the projection, the reason and the command (no
 * event data), and does not hammer the store with retries meanwhile.
 */
describe('The projection host, given a projection whose checkpoint is not in the event store', () => {
  it('logs an error naming the projection, the reason and the rebuild command, and does not retry at once', async () => {
    const logged: { level: string; fields: unknown; message: string }[] = [];
    const log = (level: string) => (fields: unknown, message: string) => logged.push({ level, fields, message });
    const logger = { error: log('error'), warn: log('warn'), debug: log('debug'), info: log('info') } as unknown as Logger;
    const run = jest.fn(async () => {
      throw new CheckpointNotInStoreError('reporting', 'PAST_END');
    });
    const host = new ProjectionHostService({ run } as unknown as ProjectionRunner, [{ name: 'reporting' } as Projection], logger, {
      config: { runProjections: true },
    } as Infrastructure);

    host.onApplicationBootstrap();
    await until(() => logged.length > 0, { what: 'the refusal logged' });
    await host.onApplicationShutdown();

    expect(logged).toEqual([
      {
        level: 'error',
        fields: { projection: 'reporting', reason: 'PAST_END' },
        message: expect.stringContaining('npm run cli -- projections:rebuild reporting'),
      },
    ]);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
