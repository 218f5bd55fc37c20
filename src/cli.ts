import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from './infrastructure/config/config';
import { openInfrastructure, type GatewayInfrastructure } from './composition/open-infrastructure';
import { startupFailureLine } from './infrastructure/infrastructure';
import { createLogger } from './infrastructure/logging/logger';
import type { Projection } from './infrastructure/projections/projection';
import type { RecordedEvent } from './infrastructure/event-store/event-store.port';
import { REPORTING_PROJECTION } from './modules/reporting/read-models/reporting-freshness';
import { exportDocument, type DocumentFormat } from './modules/reporting/semester/export-document';
import { parsePeriod } from './modules/reporting/semester/semester';
import { exportLog, readExportedCheckpoints, readExportedEvents } from './modules/audit/audit-export';
import { parsePublicKey } from './infrastructure/security/signing-key';
import { NOTARY_PROJECTION, checkpointNow } from './modules/audit/notary.projection';
import { verifyLog } from './modules/audit/verifier';
import { handle } from './infrastructure/event-store/command-handling';
import { OperatorAccounts } from './modules/access/operators/accounts';
import { SIGN_IN_TAIL, hostActor, operatorDecider, operatorStream, signInDecider, signInStream } from './modules/access/operators/operator';
import { OFFLINE_RECOVERY_ACTOR } from './modules/access/parties/actor';
import { SEEDED_ADMIN_ID, SEEDED_AUDITOR_ID } from './modules/access/seed/seed';
import { writeInitialPassword } from './modules/access/seed/initial-passwords';

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
          behind: behind === undefined ? ((await infra.eventStore.hasEventsAfter(status.position)) ? 'some' : '0') : behind.toString(),
          refused: status.refused ?? '-',
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

async function rebuildWithProgress(infra: GatewayInfrastructure, projection: Projection): Promise<void> {
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

program
  .command('report:export')
  .description('write the semester utilisation report (Pasal 9(1)) or the Bupati summary (Pasal 9(4)) to a file')
  .requiredOption('--year <year>', 'e.g. 2025')
  .requiredOption('--semester <semester>', '1 (January-June) or 2 (July-December)')
  .requiredOption('--to <file>', 'where to write it')
  .option('--format <format>', 'pdf, xlsx, csv or json (the Bupati summary: pdf, xlsx or json)', 'pdf')
  .option('--bupati', 'the summary for the Bupati instead of the semester report')
  .action((options: { year: string; semester: string; to: string; format: string; bupati?: boolean }) =>
    withInfrastructure(async (infra) => {
      const formats = options.bupati ? ['pdf', 'xlsx', 'json'] : ['pdf', 'xlsx', 'csv', 'json'];
      if (!formats.includes(options.format)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
      let period;
      try {
        period = parsePeriod(options.year, options.semester, new Date());
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      // Bring the read models up to date first (unless the service is running them right now).
      const reporting = infra.projections.find((p) => p.name === REPORTING_PROJECTION)!;
      await infra.runner.run(reporting, { untilCaughtUp: true });
      // ...and the notary, whose checkpoint at the figures' cut-off the document prints.
      await infra.runner.run(
        infra.projections.find((p) => p.name === NOTARY_PROJECTION)!,
        { untilCaughtUp: true },
      );
      const bytes = await exportDocument(
        infra.dataSource.manager,
        period,
        options.format as DocumentFormat,
        options.bupati === true,
        new Date(),
        infra.config.letterheads,
        { signer: infra.auditSigner },
      );
      writeFileSync(options.to, bytes);
      console.log(`${options.to}: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
    }),
  );

const audit = program.command('audit').description('the verifiable audit log: export it, verify an export offline');

audit
  .command('export')
  .description('write the notarised log (events, digests, signed checkpoints, public key) to a directory')
  .requiredOption('--to <dir>', 'directory to write (created if needed)')
  .action((options: { to: string }) =>
    withInfrastructure(async (infra) => {
      // Notarise what is not yet (unless the service is doing it right now).
      const notary = infra.projections.find((p) => p.name === NOTARY_PROJECTION)!;
      // If the newest events cannot be notarised (the log was changed under a signed checkpoint), export what was.
      await infra.runner
        .run(notary, { untilCaughtUp: true })
        .catch((error: Error) => console.error(`warning: the newest events were not notarised: ${error.message}`));
      await checkpointNow(infra.dataSource, infra.auditSigner());
      const { events, checkpoints } = await exportLog(infra.eventStore, infra.dataSource, infra.auditSigner(), options.to);
      console.log(`${options.to}: ${events} events, ${checkpoints} signed checkpoints, public key ${infra.auditSigner().keyId}`);
    }),
  );

audit
  .command('verify')
  .argument('<dir>', 'a directory written by "audit export"')
  .requiredOption('--public-key <key>', "the key you trust: a PEM file, or base64 of the Ed25519 SPKI (not the export's own copy)")
  .description('re-compute an exported log offline (no database, no network) and name the first event or checkpoint that fails')
  .action(async (dir: string, options: { publicKey: string }) => {
    let key;
    try {
      key = parsePublicKey(options.publicKey);
    } catch (error) {
      console.error(`--public-key: ${(error as Error).message}`);
      process.exit(2);
    }
    const result = await verifyLog(readExportedEvents(dir), readExportedCheckpoints(dir), key);
    if (result.ok) {
      const latest = result.latest
        ? `; latest checkpoint: tree size ${result.latest.treeSize}, root ${result.latest.rootHash}`
        : '; no signed checkpoint in the export, so only the chain was checked';
      console.log(`OK: ${result.events} events and ${result.checkpoints} signed checkpoints verified${latest}`);
      return;
    }
    console.log(`FAILED: ${result.failure!.message}`);
    console.log(JSON.stringify(result.failure));
    process.exitCode = 1;
  });

for (const [command, userId, operatorId, role] of [
  ['admin:reset', 'admin', SEEDED_ADMIN_ID, 'DINKES_ADMIN'],
  ['auditor:reset', 'auditor', SEEDED_AUDITOR_ID, 'DUKCAPIL_AUDITOR'],
] as const) {
  program
    .command(command)
    .description(
      `offline recovery: a new one-time password for the first ${role} (user id "${userId}"), written to DATA_DIR/initial-passwords/${userId} (0600), recorded as an event by OFFLINE_RECOVERY`,
    )
    .action(() =>
      withInfrastructure(async (infra) => {
        const accounts = new OperatorAccounts(infra.dataSource);
        if (!(await accounts.hasOperator(operatorId))) throw new UsageError(`no "${userId}" account in this store yet: start the gateway once to create it`);
        const password = randomBytes(18).toString('base64url');
        // The file first: if anything below fails, the file still holds a password to retry with.
        const path = writeInitialPassword(infra.config.dataDir, userId, password);
        await handle(infra.eventStore, operatorStream(operatorId), operatorDecider, {
          kind: 'changePassword',
          by: 'ADMIN',
          actor: hostActor(OFFLINE_RECOVERY_ACTOR),
          actorOwesPasswordChange: false,
          passwordProblem: null, // 144 random bits, generated here
        });
        await accounts.setPassword(operatorId, password);
        await accounts.closeSessions(operatorId);
        // The way back in must open the account: a lockout is lifted as by an administrator's reset.
        await handle(
          infra.eventStore,
          signInStream(operatorId),
          signInDecider,
          { kind: 'unlock', operatorId, actorId: OFFLINE_RECOVERY_ACTOR, by: 'PASSWORD_RESET' },
          { tail: SIGN_IN_TAIL, attempts: 50 },
        );
        console.log(`New one-time password for "${userId}" written to ${path} (readable by this user only); every session of "${userId}" has ended.`);
      }),
    );
}

program
  .command('balikan:outbox')
  .description('how many data balikan wait for the registry, and since when')
  .action(() =>
    withInfrastructure(async (infra) => {
      const [row]: { n: number; oldest: Date | null }[] = await infra.dataSource.query(
        `SELECT count(*)::int AS n, min(created_at) AS oldest FROM balikan_outbox`,
      );
      console.log(JSON.stringify({ waiting: row!.n, oldest: row!.oldest?.toISOString() ?? null }));
    }),
  );

program
  .command('events:count')
  .argument('<type>', 'event type, e.g. BalikanDelivered')
  .description('count the events of one type in the store')
  .action((type: string) =>
    withInfrastructure(async (infra) => {
      let count = 0;
      await eachEvent(infra, (e) => {
        if (e.type === type) count++;
      });
      console.log(count);
    }),
  );

program
  .command('privacy:scan')
  .argument('<valuesFile>', 'a file with one value per line (NIKs, names, record numbers) that must appear nowhere')
  .description('search every table and every event for the values, plain, base64 and hex; exit 1 if any is found')
  .action((valuesFile: string) =>
    withInfrastructure(async (infra) => {
      const values = readFileSync(valuesFile, 'utf8')
        .split('\n')
        .map((v) => v.trim())
        .filter(Boolean);
      const encodings = values.flatMap((v) => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('hex')]);
      const tables: { table_schema: string; table_name: string }[] = await infra.dataSource.query(
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      const found: { table: string; rows: number }[] = [];
      for (const { table_schema, table_name } of tables) {
        const rows: { t: string }[] = await infra.dataSource.query(`SELECT row_to_json(x)::text AS t FROM "${table_schema}"."${table_name}" x`);
        const hits = rows.filter((r) => encodings.some((e) => r.t.includes(e))).length;
        if (hits > 0) found.push({ table: `${table_schema}.${table_name}`, rows: hits });
      }
      let eventHits = 0;
      await eachEvent(infra, (e) => {
        const text = JSON.stringify(e.data);
        if (encodings.some((v) => text.includes(v))) eventHits++;
      });
      if (eventHits > 0) found.push({ table: 'event store', rows: eventHits });
      console.log(JSON.stringify({ tables: tables.length, values: values.length, found }));
      if (found.length > 0) process.exitCode = 1;
    }),
  );

/** Every event in the store, in the global order, up to its end as it is now. */
async function eachEvent(infra: GatewayInfrastructure, visit: (event: RecordedEvent) => void): Promise<void> {
  for await (const batch of infra.eventStore.subscribeToAll({ batchSize: 2000 })) {
    batch.events.forEach(visit);
    if (batch.caughtUp) return;
  }
}

class UsageError extends Error {}

async function withInfrastructure(work: (infra: GatewayInfrastructure) => Promise<void>): Promise<void> {
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
