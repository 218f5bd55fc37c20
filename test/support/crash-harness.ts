import { execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startRegistrySimulator, type RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { distPath, runScript, startGateway } from './processes';
import { gatewayClient, signIn } from './gateway-client';
import { extendFirstAgreement } from './parties';

/**
 * The crash-safety harness: several clients drive mixed commands (lookups, card reads,
 * data balikan, operator enrolments) at the real service while it is killed with SIGKILL at random moments
 * and restarted, and its PostgreSQL server is restarted once under load. It records every command the
 * clients saw acknowledged; `verify` then checks the log and the read models. Used by
 * test/reliability/crash-safety.spec.ts (a few thousand commands in CI) and scripts/crash-harness.ts (10,000).
 */

export interface HarnessOptions {
  readonly commands: number;
  readonly clients: number;
  readonly kills: number;
  readonly restartDatabase: boolean;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

interface Acknowledged {
  readonly accesses: Set<string>;
  readonly balikan: Set<string>;
  readonly operators: Set<string>;
}

export interface HarnessRun {
  readonly acknowledged: { accesses: number; balikan: number; operators: number };
  readonly unacknowledged: number;
  readonly kills: number;
  readonly databaseRestarts: number;
  readonly seconds: number;
  readonly problems: string[];
}

const AUDITOR_PASSWORD = 'crash-dukcapil-password';
const ADMIN_PASSWORD = 'crash-dinkes-password';
const PASSWORD = 'crash-operator-password';

function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

/** A throwaway PostgreSQL 15 of the harness's own, so it may restart it. */
function ownDatabase(): { url: string; restart(): void; stop(): void } {
  const script = join(process.cwd(), '.ci', 'postgres.sh'); // npm runs tests and scripts from the repository root
  const dir = join(mkdtempSync(join(tmpdir(), 'nik-crash-')), 'pg');
  const port = String(57000 + Math.floor(Math.random() * 1000));
  execFileSync(script, ['start', dir, port, 'fsync=on', 'synchronous_commit=on'], { stdio: 'inherit' });
  execFileSync('/usr/lib/postgresql/15/bin/psql', ['-q', '-h', '127.0.0.1', '-p', port, '-U', 'postgres', '-c', 'CREATE DATABASE crash'], { stdio: 'inherit' });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/crash`,
    restart: () => execFileSync(script, ['restart', dir], { stdio: 'inherit' }),
    stop: () => execFileSync(script, ['stop', dir], { stdio: 'inherit' }),
  };
}

export async function runCrashHarness(options: HarnessOptions): Promise<HarnessRun> {
  const log = options.log ?? (() => undefined);
  const next = random(options.seed ?? 8);
  const db = ownDatabase();
  const simulator: RegistrySimulator = await startRegistrySimulator({
    userId: 'crash',
    password: 'crash-registry-password',
    balikanToken: 'crash-balikan-token',
  });
  const port = String(41000 + Math.floor(Math.random() * 2000));
  const env: NodeJS.ProcessEnv = {
    PORT: port,
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'nik-crash-data-')),
    LOG_LEVEL: 'info',
    INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    INITIAL_AUDITOR_PASSWORD: AUDITOR_PASSWORD,
    BALIKAN_KEY: Buffer.alloc(32, 9).toString('base64'),
    ACCESS_TOKEN_KEY: Buffer.alloc(32, 10).toString('base64'),
    AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    REGISTRY_URL: simulator.url,
    REGISTRY_USER_ID: 'crash',
    REGISTRY_PASSWORD: 'crash-registry-password',
    BALIKAN_URL: simulator.url,
    BALIKAN_TOKEN: 'crash-balikan-token',
    BALIKAN_LEASE_SECONDS: '2',
    LOOKUPS_PER_HOUR: '100000',
    SIGN_IN_ATTEMPTS_PER_MINUTE: '100000', // every client signs in from 127.0.0.1, again after each restart
  };
  const url = `http://127.0.0.1:${port}`;
  let service: { child: ChildProcess; exited: Promise<unknown> } | undefined;
  let ready: Promise<void> = Promise.resolve();
  const start = async () => {
    service = await startGateway(env);
  };
  const call = gatewayClient(url);
  const started = Date.now();
  const acknowledged: Acknowledged = { accesses: new Set(), balikan: new Set(), operators: new Set() };
  let unacknowledged = 0;
  let kills = 0;
  let databaseRestarts = 0;
  try {
    await start();
    const admin = await signIn(call, 'admin', ADMIN_PASSWORD);
    const auditor = await signIn(call, 'auditor', AUDITOR_PASSWORD);
    await extendFirstAgreement(call, admin, auditor, '473.3/0915.12/IX/2024', '2099-09-15');
    const puskesmas = ((await call('GET', '/v1/facilities', admin)).body as unknown as { facilityId: string; kind: string }[]).filter(
      (f) => f.kind === 'PUSKESMAS',
    );
    const clients: { facilityId: string; readerId: string; token: string; found: { accessId: string; nik: string; verificationToken: string }[] }[] = [];
    for (let i = 0; i < options.clients; i++) {
      const facilityId = puskesmas[i]!.facilityId;
      const userId = `crash.client.${i}`;
      await call('POST', '/v1/operators', admin, { userId, password: PASSWORD, role: 'PUSKESMAS_OPERATOR', facilityId });
      const { readerId } = (await call('POST', `/v1/facilities/${facilityId}/card-readers`, admin, { samSerial: `SAM-CRASH-${i}` })).body;
      clients.push({
        facilityId,
        readerId,
        token: await signIn(call, userId, PASSWORD),
        found: [] as { accessId: string; nik: string; verificationToken: string }[],
      });
    }
    const { samples } = simulator;
    const people = [...samples.found, ...samples.found, ...samples.deceased, ...samples.notFound, ...samples.outsideRegency];

    let issued = 0;
    const killAt = new Set(Array.from({ length: options.kills }, (_, k) => Math.floor(((k + 0.3 + next() * 0.5) * options.commands) / (options.kills + 1))));
    const restartDbAt = options.restartDatabase ? Math.floor(options.commands * 0.55) : -1;
    const disrupt = async (n: number) => {
      if (killAt.has(n) && service) {
        const victim = service;
        service = undefined;
        let resume!: () => void;
        ready = new Promise((r) => (resume = r));
        victim.child.kill('SIGKILL');
        await victim.exited;
        kills++;
        log(`kill -9 #${kills} after ${n} commands`);
        await start();
        resume();
      }
      if (n === restartDbAt) {
        databaseRestarts++;
        log(`restarting PostgreSQL after ${n} commands`);
        db.restart();
      }
    };

    const one = async (client: (typeof clients)[number], n: number) => {
      const roll = next();
      try {
        if (roll < 0.7) {
          const nik = people[Math.floor(next() * people.length)]!;
          const res =
            roll < 0.55
              ? await call('POST', '/v1/access/nik-lookups', client.token, { nik })
              : await call('POST', '/v1/access/card-reads', client.token, { readerId: client.readerId, nik, fingerprint: 'MATCHED' });
          if (res.body.accessId) {
            acknowledged.accesses.add(res.body.accessId);
            if (res.status === 200) client.found.push({ accessId: res.body.accessId, nik, verificationToken: res.body.verificationToken });
          } else unacknowledged++;
        } else if (roll < 0.9 && client.found.length > 0) {
          const access = client.found[Math.floor(next() * client.found.length)]!;
          // A client that lost the answer retries with the same key: the balikan must be taken once.
          const key = randomUUID();
          for (let attempt = 0; attempt < 3; attempt++) {
            try {
              const res = await call(
                'POST',
                '/v1/balikan',
                client.token,
                { accessId: access.accessId, nik: access.nik, verificationToken: access.verificationToken, bloodType: 'O+' },
                { headers: { 'idempotency-key': key } },
              );
              if (res.status === 202) acknowledged.balikan.add(res.body.balikanId);
              else unacknowledged++;
              break;
            } catch {
              await ready;
            }
          }
        } else {
          const res = await call('POST', '/v1/operators', admin, {
            userId: `crash.enrolled.${n}.${randomUUID().slice(0, 8)}`,
            password: PASSWORD,
            role: 'PUSKESMAS_OPERATOR',
            facilityId: client.facilityId,
          });
          if (res.status === 201) acknowledged.operators.add(res.body.operatorId);
          else unacknowledged++;
        }
      } catch {
        unacknowledged++; // the connection died with the service: outcome unknown, allowed either way
        await ready;
      }
    };

    await Promise.all(
      clients.map(async (client) => {
        while (issued < options.commands) {
          const n = issued++;
          await disrupt(n);
          await ready;
          await one(client, n);
        }
      }),
    );
    log(`load done: ${acknowledged.accesses.size} accesses, ${acknowledged.balikan.size} balikan, ${acknowledged.operators.size} enrolments acknowledged`);

    // Every balikan delivered (the worker retries after the restarts; leases run out after 2 s).
    const deadline = Date.now() + 120_000;
    const pending = new Set(acknowledged.balikan);
    while (pending.size > 0 && Date.now() < deadline) {
      for (const id of [...pending]) {
        const status = await call('GET', `/v1/balikan/${id}`, admin).catch(() => ({ status: 0, body: {} as Record<string, any> }));
        if (status.body.status === 'DELIVERED') pending.delete(id);
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
    }
    const problems: string[] = [];
    if (pending.size > 0) problems.push(`${pending.size} acknowledged balikan not DELIVERED within 120 s`);
    for (const id of acknowledged.balikan) if (!simulator.balikan().perReference.get(id)) problems.push(`balikan ${id} never reached the registry`);

    // Stop the service and check the log and the read models.
    service?.child.kill('SIGTERM');
    await service?.exited;
    service = undefined;
    problems.push(...(await verify(db.url, acknowledged, env)));
    return {
      acknowledged: { accesses: acknowledged.accesses.size, balikan: acknowledged.balikan.size, operators: acknowledged.operators.size },
      unacknowledged,
      kills,
      databaseRestarts,
      seconds: (Date.now() - started) / 1000,
      problems,
    };
  } finally {
    service?.child.kill('SIGKILL');
    await simulator.stop();
    db.stop();
  }
}

/** Every acknowledged command in the log exactly once, no event twice, read models equal to a clean rebuild. */
async function verify(url: string, acknowledged: Acknowledged, env: NodeJS.ProcessEnv): Promise<string[]> {
  const problems: string[] = [];
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const countBy = async (types: string[], key: string) => {
      const { rows } = await client.query(`SELECT data->>'${key}' AS id, count(*)::int AS n FROM es_events WHERE type = ANY($1) GROUP BY 1`, [types]);
      return new Map(rows.map((r: { id: string; n: number }) => [r.id, r.n]));
    };
    const expectOnce = (what: string, ids: Set<string>, counts: Map<string, number>) => {
      for (const id of ids) if (counts.get(id) !== 1) problems.push(`${what} ${id} acknowledged but in the log ${counts.get(id) ?? 0} times`);
      for (const [id, n] of counts) if (n > 1) problems.push(`${what} ${id} in the log ${n} times`);
    };
    expectOnce('access', acknowledged.accesses, await countBy(['NikLookupPerformed', 'CardReadRecorded'], 'accessId'));
    expectOnce('balikan submission', acknowledged.balikan, await countBy(['BalikanSubmitted'], 'balikanId'));
    expectOnce('balikan delivery', acknowledged.balikan, await countBy(['BalikanDelivered'], 'balikanId'));
    expectOnce('operator enrolment', acknowledged.operators, await countBy(['OperatorEnrolled'], 'operatorId'));

    // The read models as the live projections left them, then after a rebuild from zero: equal.
    const tables = [
      'event_volume_daily',
      'agreement_register',
      'report_agreement_changes',
      'facility_register',
      'card_reader_register',
      'report_utilisation',
      'report_accesses',
      'report_balikan_monthly',
      'report_refusals',
      'report_operator_daily',
      'report_fingerprints',
      'report_card_readers',
      'audit_leaves',
      'audit_nodes',
    ];
    const snapshot = async () => {
      const out: Record<string, string> = {};
      for (const table of tables) {
        const { rows } = await client.query(
          `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*)::int AS n FROM ${table} t`,
        );
        out[table] = `${rows[0].n}:${rows[0].digest}`;
      }
      return out;
    };
    // The read models as the running service built them (through five kills), then rebuilt from zero.
    const live = await liveSnapshotAfterCatchUp(env, snapshot);
    const rebuild = await runScript(distPath('src', 'cli.js'), ['projections:rebuild', 'all'], { ...env, LOG_LEVEL: 'error' });
    if (rebuild.code !== 0) problems.push(`rebuild failed: ${rebuild.stderr}`);
    const rebuilt = await snapshot();
    for (const table of tables)
      if (live[table] !== rebuilt[table]) problems.push(`read model ${table} differs from a clean rebuild (${live[table]} vs ${rebuilt[table]})`);
  } finally {
    await client.end();
  }
  return problems;
}

/** Lets the projections finish what the last run of the service left (a short start of the service with nothing to do), then snapshots. */
async function liveSnapshotAfterCatchUp(env: NodeJS.ProcessEnv, snapshot: () => Promise<Record<string, string>>): Promise<Record<string, string>> {
  const { child, exited } = await startGateway({ ...env, RUN_BALIKAN_DELIVERY: 'false' });
  const base = `http://127.0.0.1:${env.PORT}`;
  // /health is ready once storage is; the projections catch up in the background: poll their lag through the CLI's view.
  for (let i = 0; i < 240; i++) {
    const health = await fetch(`${base}/health`).catch(() => undefined);
    if (health?.ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    for (let i = 0; i < 240; i++) {
      const { rows } = await client.query(
        `SELECT bool_and(c.commit_position >= (SELECT coalesce(max(transaction_id::text::bigint), 0) FROM es_events)) AS done FROM projection_checkpoints c`,
      );
      if (rows[0].done) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await client.end();
  }
  child.kill('SIGTERM');
  await exited;
  return snapshot();
}
