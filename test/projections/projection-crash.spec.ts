import { describeOnEachStorage, isolatedStorage } from '../support/isolated-storage';
import { expectedTotals } from '../support/fixture-totals.projection';
import { distPath, runScript, startUntil } from '../support/processes';

const worker = distPath('test', 'support', 'projection-worker.js');
const EVENTS = 3000;

/**
 * A projection worker is killed with SIGKILL half-way through applying a batch (inside its open
 * transaction), restarted, and must end with exactly the read model a clean rebuild produces — and the
 * one the seeded events imply: no event lost, none applied twice.
 */
describeOnEachStorage(
  'A projection worker killed mid-batch',
  (server) => {
    const isServer = server !== undefined;
    let env: NodeJS.ProcessEnv;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const storage = await isolatedStorage(isServer ? server : undefined, 'crash');
      env = { ...storage.env, LOG_LEVEL: 'silent' };
      cleanup = storage.cleanup;
      const seeded = await runScript(worker, ['seed', String(EVENTS)], env);
      expect(seeded.stderr).toBe('');
      expect(seeded.code).toBe(0);
    });
    afterAll(async () => cleanup?.());

    async function killAt(args: string[]): Promise<void> {
      const { child, exited } = await startUntil(worker, args, env, /MID_BATCH/);
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
    }

    it('resumes after each kill and ends equal to a clean rebuild, with every event counted once', async () => {
      // Killed half-way through applying batch 8: 7 batches of 100 committed, the 8th died with its transaction.
      await killAt(['run', '7', 'apply']);
      expect(JSON.parse((await runScript(worker, ['dump'], env)).stdout).eventsHandled).toBe(700);
      // Killed after applying a batch, before its checkpoint moved: the applied rows must die with it.
      await killAt(['run', '5', 'checkpoint']);
      expect(JSON.parse((await runScript(worker, ['dump'], env)).stdout).eventsHandled).toBe(1200);

      const resumed = await runScript(worker, ['run'], env);
      expect(resumed.stdout.trim()).toBe('caught-up');
      const afterRestart = JSON.parse((await runScript(worker, ['dump'], env)).stdout);
      const rebuilt = JSON.parse((await runScript(worker, ['rebuild-dump'], env)).stdout);

      expect(afterRestart.totals).toEqual(expectedTotals(EVENTS));
      expect(afterRestart).toEqual(rebuilt);
      expect(afterRestart.eventsHandled).toBe(EVENTS);
    });

    if (isServer) {
      it('lets only one worker run a projection at a time', async () => {
        const { child, exited } = await startUntil(worker, ['rebuild', '0'], env, /MID_BATCH/);
        try {
          const [run, rebuild] = await Promise.all([runScript(worker, ['run'], env), runScript(worker, ['rebuild'], env)]);
          expect(run.stdout.trim()).toBe('locked');
          expect(rebuild.stdout.trim()).toBe('locked');
        } finally {
          child.kill('SIGKILL');
          await exited;
        }
      });
    } else {
      it('refuses a second process on the same embedded data directory, saying why', async () => {
        const { child, exited } = await startUntil(worker, ['rebuild', '0'], env, /MID_BATCH/);
        try {
          const second = await runScript(worker, ['dump'], env);
          expect(second.code).toBe(1);
          expect(second.stderr).toMatch(/is in use by process \d+/);
        } finally {
          child.kill('SIGKILL');
          await exited;
        }
      });
    }
  },
  'embedded PGlite (the worker hosts the database: the kill takes it down too)',
);
