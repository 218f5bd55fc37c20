/**
 * `npm run crash-harness`: the full crash-safety run — 10,000 mixed commands from 4 clients,
 * five kill -9 of the service at random moments, a PostgreSQL restart under load — then the checks
 * (every acknowledged command exactly once, every balikan delivered, read models equal to a rebuild).
 * Needs the PostgreSQL 15 binaries (.ci/postgres.sh). CRASH_COMMANDS, CRASH_CLIENTS, CRASH_KILLS to change.
 */
import { runCrashHarness } from '../test/support/crash-harness';

async function main(): Promise<void> {
  const run = await runCrashHarness({
    commands: Number(process.env.CRASH_COMMANDS ?? 10_000),
    clients: Number(process.env.CRASH_CLIENTS ?? 4),
    kills: Number(process.env.CRASH_KILLS ?? 5),
    restartDatabase: true,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(run, null, 2));
  console.log(run.problems.length === 0 ? 'PASSED: nothing lost, nothing twice, read models equal a rebuild' : `FAILED: ${run.problems.length} problems`);
  process.exitCode = run.problems.length === 0 ? 0 : 1;
}

void main();
