import { runCrashHarness } from '../support/crash-harness';

const COMMANDS = Number(process.env.CRASH_COMMANDS ?? 1500);
const server = process.env.DATABASE_URL; // the harness starts a PostgreSQL 15 of its own; .ci/run's server means the binaries are there

/**
 * Crash safety at CI scale (the full 10,000 commands: `npm run crash-harness`). Four Puskesmas clients
 * drive lookups, card reads, data balikan and operator enrolments while the service is killed with SIGKILL
 * five times and restarted, and its database is restarted once under load.
 */
(server ? describe : describe.skip)(
  `Crash safety under load on PostgreSQL 15${server ? '' : ' — SKIPPED: needs the PostgreSQL 15 binaries (.ci/run sets DATABASE_URL)'}`,
  () => {
    it('loses no acknowledged command, records none twice, delivers every balikan, and keeps read models equal to a clean rebuild, through five kill -9 and a database restart', async () => {
      const run = await runCrashHarness({
        commands: COMMANDS,
        clients: 4,
        kills: 5,
        restartDatabase: true,
        log: (line) => process.stdout.write(`  [crash-harness] ${line}\n`),
      });
      process.stdout.write(`  [crash-harness] ${JSON.stringify(run)}\n`);
      expect(run.kills).toBe(5);
      expect(run.databaseRestarts).toBe(1);
      expect(run.acknowledged.accesses).toBeGreaterThan(COMMANDS / 3);
      expect(run.acknowledged.balikan).toBeGreaterThan(0);
      expect(run.acknowledged.operators).toBeGreaterThan(0);
      expect(run.problems).toEqual([]);
    }, 600_000);
  },
);
