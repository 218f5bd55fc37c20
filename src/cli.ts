import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { loadConfig } from './infrastructure/config/config';
import { openInfrastructure, startupFailureLine, type Infrastructure } from './infrastructure/bootstrap';
import { createLogger } from './infrastructure/logging/logger';
import type { Projection } from './infrastructure/projections/projection';

/** Operations from the command line: `npm run cli -- <command>`. Same storage settings as the service. */
const program = new Command('nik-gateway').description('NIK access gateway: operations').showHelpAfterError();

program
  .command('projections:list')
  .description('list projections with their checkpoint and lag (events behind the store)')
  .action(() =>
    withInfrastructure(async (infra) => {
      const rows = [];
      for (const projection of infra.projections) {
        const status = await infra.runner.status(projection.name);
        const behind = await infra.eventStore.countEvents(status.position);
        rows.push({
          projection: projection.name,
          eventsHandled: status.eventsHandled.toString(),
          behind: behind === undefined ? 'unknown' : behind.toString(),
          lastEventAt: status.lastEventAt?.toISOString() ?? '-',
          updatedAt: status.updatedAt?.toISOString() ?? 'never',
        });
      }
      console.table(rows);
    }),
  );

program
  .command('projections:rebuild')
  .argument('<name>', 'projection name, or "all"')
  .description('empty a read model and replay every event into it, with a progress bar')
  .action((name: string) =>
    withInfrastructure(async (infra) => {
      const selected = name === 'all' ? infra.projections : infra.projections.filter((p) => p.name === name);
      if (selected.length === 0) {
        throw new UsageError(`no projection named "${name}"; known: ${infra.projections.map((p) => p.name).join(', ')}`);
      }
      for (const projection of selected) await rebuildWithProgress(infra, projection);
    }),
  );

async function rebuildWithProgress(infra: Infrastructure, projection: Projection): Promise<void> {
  const total = await infra.eventStore.countEvents();
  const bar = new SingleBar(
    {
      format: `${projection.name.padEnd(20)} [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left`,
      hideCursor: true,
      stream: process.stdout,
      // Piped into a log file or run by a scheduler: still print the progress, every 5 s.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    Presets.shades_classic,
  );
  bar.start(Number(total ?? 0n), 0);
  let done = 0;
  const started = Date.now();
  const outcome = await infra.runner.rebuild(projection, {
    onBatch: ({ read }) => {
      done += read;
      if (total === undefined) bar.setTotal(done);
      bar.update(done);
    },
  });
  bar.stop();
  if (outcome === 'locked') {
    throw new UsageError(`${projection.name} is being run by another process; stop it (or set RUN_PROJECTIONS=false there) and retry`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`${projection.name}: ${done} events replayed in ${seconds.toFixed(1)} s (${Math.round(done / Math.max(seconds, 0.001))} events/s)`);
}

class UsageError extends Error {}

async function withInfrastructure(work: (infra: Infrastructure) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const infra = await openInfrastructure(config, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  try {
    await work(infra);
  } finally {
    await infra.close();
  }
}

program.parseAsync().catch((error: unknown) => {
  const line = error instanceof UsageError ? error.message : (startupFailureLine(error) ?? `Failed: ${(error as Error)?.message ?? String(error)}`);
  process.stderr.write(`${line}\n`);
  process.exit(1);
});
