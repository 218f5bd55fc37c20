import type { ChildProcess } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applicationProjections } from '../../src/composition/open-infrastructure';
import { eventCatalogue } from '../../src/composition/event-catalogue';
import { loadConfig } from '../../src/infrastructure/config/config';
import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import { verifyCheckpoint, type Checkpoint } from '../../src/modules/audit/checkpoint';
import { verifyConsistency, verifyInclusion } from '../../src/modules/audit/merkle';
import { leaseSize } from '../../src/modules/access/lookups/hourly-quota';
import { LOCKOUT_FAILURES } from '../../src/modules/access/operators/operator';
import { semesterOf } from '../../src/modules/reporting/semester/semester';
import { changedPassword, gatewayClient, signIn, type Answer, type GatewayCall } from '../support/gateway-client';
import { anOperatorAt, reach, thePuskesmasList, type EnrolledOperator } from '../support/fixtures';
import { isolatedStorage } from '../support/isolated-storage';
import { extendFirstAgreement } from '../support/parties';
import { childrenRunning, distPath, startGateway, startUntil, type Finished } from '../support/processes';
import { until } from '../support/until';
import { aCurrentReport } from '../support/current-report';

/** Lookups and card reads per operator per hour: above what one load operator makes, low enough for a burst to pass it. */
const PER_HOUR = 40;
/** The load: accesses through both instances, each FOUND or DECEASED one followed by a balikan on the other instance. */
const ACCESSES = 180;
const CONCURRENCY = 16;
const OPERATORS_PER_PUSKESMAS = 3;
const PUSKESMAS = 3;
/** One checkpoint every this many events: many are signed during the load, by whichever worker notarises then. */
const CHECKPOINT_EVERY_EVENTS = 40;
const OPERATOR_PASSWORD = 'puskesmas-jaten-2024';

interface Instance {
  readonly name: string;
  readonly call: GatewayCall;
  readonly child: ChildProcess;
  readonly exited: Promise<Finished>;
  readonly dataDir: string;
}

/** What the load sent and what it was answered: statuses and ids only, never a person. */
interface Sent {
  readonly kind: 'lookup' | 'card-read' | 'balikan';
  readonly instance: string;
  readonly status: number;
  readonly code?: string;
}

/** Runs `work` over 0..count-1 with at most `concurrency` in flight; `onDone` sees how many finished. */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>, onDone: (finished: number) => void): Promise<void> {
  let next = 0;
  let finished = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await work(i);
      onDone(++finished);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

const readOrNothing = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // no IPv6 here
  }
};

const fdsOf = (pid: number) => {
  try {
    return readdirSync(`/proc/${pid}/fd`);
  } catch {
    return []; // ended while we looked
  }
};

/** TCP ports of this machine's sockets, by inode (IPv4 and IPv6). */
function localPortsByInode(): Map<string, number> {
  const ports = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = readOrNothing(table);
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      ports.set(fields[9]!, parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** Of `pids`, the one whose sockets include a local TCP port in `clientPorts` (a database connection it holds). */
function processOwningPorts(pids: readonly number[], clientPorts: readonly number[]): number[] {
  const byInode = localPortsByInode();
  return pids.filter((pid) => {
    return fdsOf(pid).some((fd) => {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        return inode !== undefined && clientPorts.includes(byInode.get(inode) ?? -1);
      } catch {
        return false;
      }
    });
  });
}

/**
 * Two gateway processes on one database of the PostgreSQL server under load through both, as Dinkes runs
 * them behind a load balancer, with ONE registry (a simulator process of its own) behind both, so that a
 * balikan sent twice would be seen there. What Dinkes and Disdukcapil rely on: every read model counts each
 * event once (also when the process running the projections is killed in the middle of the load), every
 * balikan reaches the registry once, a lockout and the hourly limit hold on both, and both serve the one
 * audit key the checkpoints verify with.
 */
const server = process.env.DATABASE_URL;
(server ? describe : describe.skip)(
  `Scale-out: two gateway instances on one PostgreSQL server under load${server ? '' : ' — SKIPPED: DATABASE_URL is not set (.ci/run sets it)'}`,
  () => {
    jest.setTimeout(240_000);
    let a: Instance;
    let b: Instance;
    let simulator: { child: ChildProcess; exited: Promise<Finished>; url: string } | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    let db: Client;
    let admin = '';
    let auditor = '';
    let samples: { found: string[]; deceased: string[]; notFound: string[]; outsideRegency: string[] };
    let pinned: KeyObject;
    let publicKeyDer = '';

    const sql = async <T = Record<string, any>>(text: string, values: unknown[] = []): Promise<T[]> => (await db.query(text, values)).rows as T[];
    const countsByType = async () =>
      new Map((await sql<{ type: string; n: number }>(`SELECT type, count(*)::int AS n FROM es_events GROUP BY type`)).map((r) => [r.type, r.n]));
    const signInOn = (instance: Instance, userId: string, password: string) => instance.call('POST', '/v1/auth/login', undefined, { userId, password });

    beforeAll(async () => {
      const storage = await isolatedStorage(server, 'scaleout');
      cleanup = storage.cleanup;
      db = new Client({ connectionString: storage.env.DATABASE_URL });
      await db.connect();
      // One registry for both instances: its own process, as the real one is.
      const sim = await startUntil(
        distPath('src', 'infrastructure', 'registry', 'simulator', 'main.js'),
        [],
        { REGISTRY_SIMULATOR_PORT: '0' },
        /Registry simulator on \S+/,
      );
      simulator = { ...sim, url: /Registry simulator on (http:\/\/[\d.:]+)/.exec(sim.output)![1]! };
      samples = (await (await fetch(`${simulator.url}/simulator/samples`)).json()) as typeof samples;

      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      pinned = publicKey;
      publicKeyDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      const shared: NodeJS.ProcessEnv = {
        ...storage.env,
        PORT: '0',
        LOG_LEVEL: 'info', // the start is recognised by its "listening on port" line, logged at info
        REGISTRY_URL: simulator.url,
        REGISTRY_USER_ID: 'simulator',
        REGISTRY_PASSWORD: 'simulator',
        BALIKAN_URL: simulator.url,
        BALIKAN_TOKEN: 'simulator-balikan-token',
        INITIAL_ADMIN_PASSWORD: 'scaleout-dinkes-password',
        INITIAL_AUDITOR_PASSWORD: 'scaleout-dukcapil-password',
        BALIKAN_KEY: Buffer.alloc(32, 7).toString('base64'),
        ACCESS_TOKEN_KEY: Buffer.alloc(32, 8).toString('base64'),
        AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
        AUDIT_CHECKPOINT_EVENTS: String(CHECKPOINT_EVERY_EVENTS),
        LOOKUPS_PER_HOUR: String(PER_HOUR),
        OPERATOR_DAILY_LIMIT: '100000',
        SIGN_IN_ATTEMPTS_PER_MINUTE: '100000', // every sign-in comes from 127.0.0.1
        SIGN_IN_MAX_WAITING: '1000',
      };
      const start = async (name: string): Promise<Instance> => {
        const dataDir = mkdtempSync(join(tmpdir(), `nik-scaleout-${name.toLowerCase()}-`));
        const { child, exited, url } = await startGateway({ ...shared, DATA_DIR: dataDir });
        const client = gatewayClient(url);
        const call: GatewayCall = async (...args) => {
          try {
            return await client(...args);
          } catch (error) {
            const ended = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_000))]);
            if (ended) throw new Error(`instance ${name} has exited (${ended.code ?? ended.signal}): ${ended.stderr.slice(-1_000)}`, { cause: error });
            throw error;
          }
        };
        return { name, call, child, exited, dataDir };
      };
      a = await start('A'); // migrates and seeds the empty database
      b = await start('B');
      admin = await signIn(a.call, 'admin', 'scaleout-dinkes-password');
      auditor = await signIn(b.call, 'auditor', 'scaleout-dukcapil-password');
      await extendFirstAgreement(a.call, admin, auditor, 'ADD/SCALEOUT/1', '2099-12-31');
    });

    afterAll(async () => {
      for (const instance of [b, a]) {
        if (!instance) continue;
        instance.child.kill('SIGTERM');
        await instance.exited;
        rmSync(instance.dataDir, { recursive: true, force: true });
      }
      if (simulator) {
        simulator.child.kill('SIGTERM');
        await simulator.exited;
      }
      await db?.end();
      await cleanup?.();
    });

    it('serves one audit public key on both instances: the key every instance was given, and the one Disdukcapil pins', async () => {
      for (const instance of [a, b]) {
        const key = await instance.call('GET', '/v1/audit/public-key', auditor);
        expect(key.status).toBe(200);
        expect({ instance: instance.name, key: createPublicKey(key.body.publicKey).export({ type: 'spki', format: 'der' }).toString('base64') }).toEqual({
          instance: instance.name,
          key: publicKeyDer,
        });
      }
    });

    it(`locks an account after ${LOCKOUT_FAILURES} wrong passwords spread over both instances, and the lock holds on both (403 ACCOUNT_LOCKED, also with the right password)`, async () => {
      const puskesmas = (await thePuskesmasList(a.call, admin, { timeoutMs: 60_000, everyMs: 100 })).filter((f) => f.kind === 'PUSKESMAS')[5]!.facilityId;
      const operator = await anOperatorAt(reach(a.call), admin, puskesmas, { userId: 'loket.lockout', password: OPERATOR_PASSWORD });
      // Alternating A, B, A…: neither instance alone sees the limit reached.
      for (let i = 0; i < LOCKOUT_FAILURES; i++) {
        const failed = await signInOn(i % 2 === 0 ? a : b, operator.userId, 'not-the-password-1');
        expect([failed.status, failed.body.code]).toEqual([401, 'LOGIN_FAILED']);
      }
      for (const instance of [a, b]) {
        const right = await signInOn(instance, operator.userId, changedPassword(OPERATOR_PASSWORD));
        expect({ instance: instance.name, status: right.status, code: right.body.code }).toEqual({
          instance: instance.name,
          status: 403,
          code: 'ACCOUNT_LOCKED',
        });
      }
    });

    it(`lets no more than ${LOCKOUT_FAILURES} of 24 simultaneous guesses at one account over both instances be checked: the rest are refused as locked`, async () => {
      const puskesmas = (await thePuskesmasList(a.call, admin)).filter((f) => f.kind === 'PUSKESMAS')[6]!.facilityId;
      const operator = await anOperatorAt(reach(a.call), admin, puskesmas, { userId: 'loket.guessed', password: OPERATOR_PASSWORD });
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => signInOn(i % 2 === 0 ? a : b, operator.userId, `guess-number-${i}-x`)));
      const codes = answers.map((r) => `${r.status} ${r.body.code}`);
      expect(codes.filter((c) => c === '401 LOGIN_FAILED').length).toBeLessThanOrEqual(LOCKOUT_FAILURES);
      expect(codes.filter((c) => c !== '401 LOGIN_FAILED' && c !== '403 ACCOUNT_LOCKED')).toEqual([]);
      for (const instance of [a, b]) expect((await signInOn(instance, operator.userId, changedPassword(OPERATOR_PASSWORD))).body.code).toBe('ACCOUNT_LOCKED');
    });

    it(`serves at most ${PER_HOUR} lookups an hour to an operator who sends ${2 * PER_HOUR} at once through both instances, then refuses on each (429 RATE_LIMITED)`, async () => {
      const puskesmas = (await thePuskesmasList(a.call, admin)).filter((f) => f.kind === 'PUSKESMAS')[7]!.facilityId;
      const operator = await anOperatorAt(reach(a.call), admin, puskesmas, { userId: 'loket.burst', password: OPERATOR_PASSWORD });
      const lookup = (instance: Instance, nik: string) => instance.call('POST', '/v1/access/nik-lookups', operator.token, { nik });
      // One lookup served on each instance first: a request refused while an instance does not know the new operator yet counts nothing.
      for (const instance of [a, b])
        await until(async () => (await lookup(instance, samples.notFound[0]!)).status === 404, { what: `a lookup served on instance ${instance.name}` });
      const answers = await Promise.all(
        Array.from({ length: 2 * PER_HOUR }, (_, i) => lookup(i % 2 === 0 ? a : b, samples.notFound[i % samples.notFound.length]!)),
      );
      const served = 2 + answers.filter((r) => r.status !== 429).length;
      expect(answers.filter((r) => r.status === 429).every((r) => r.body.code === 'RATE_LIMITED')).toBe(true);
      // Never more than the limit; at most one unspent lease of the other instance short of it (hourly-quota.ts).
      expect(served).toBeLessThanOrEqual(PER_HOUR);
      expect(served).toBeGreaterThanOrEqual(PER_HOUR - leaseSize(PER_HOUR));
      for (const instance of [a, b]) expect((await lookup(instance, samples.notFound[0]!)).body.code).toBe('RATE_LIMITED');
    });

    it('under load through both instances, with the projection worker holding the locks killed half-way: every read model counts each event once, every balikan reaches the registry once, and every checkpoint verifies', async () => {
      const puskesmasList = (await thePuskesmasList(a.call, admin)).filter((f) => f.kind === 'PUSKESMAS').slice(0, PUSKESMAS);
      const operators: { op: EnrolledOperator; readerId: string }[] = [];
      for (const [p, facility] of puskesmasList.entries()) {
        const reader = await a.call('POST', `/v1/facilities/${facility.facilityId}/card-readers`, admin, { samSerial: `SAM-SCALEOUT-${p}` });
        expect(reader.status).toBe(201);
        for (let o = 0; o < OPERATORS_PER_PUSKESMAS; o++) {
          const op = await anOperatorAt(reach(o % 2 === 0 ? a.call : b.call), admin, facility.facilityId, {
            userId: `loket.load${p}${o}`,
            password: OPERATOR_PASSWORD,
          });
          operators.push({ op, readerId: reader.body.readerId as string });
        }
      }
      // Both instances serve every load operator before the load (the other instance learns of a new operator within 1 s).
      for (const { op } of operators)
        for (const instance of [a, b])
          await until(async () => (await instance.call('POST', '/v1/access/nik-lookups', op.token, { nik: samples.notFound[0] })).status === 404, {
            what: `operator ${op.userId} served on ${instance.name}`,
          });

      const sent: Sent[] = [];
      const accepted: string[] = []; // balikan ids answered 202
      const people = [...samples.found, ...samples.deceased, ...samples.outsideRegency, ...samples.notFound];
      const one = async (i: number) => {
        const { op, readerId } = operators[i % operators.length]!;
        const [here, there] = i % 2 === 0 ? [a, b] : [b, a];
        const nik = people[i % people.length]!;
        const card = i % 3 === 1;
        const answer: Answer = card
          ? await here.call('POST', '/v1/access/card-reads', op.token, { readerId, nik, fingerprint: i % 7 === 0 ? 'NOT_MATCHED' : 'MATCHED' })
          : await here.call('POST', '/v1/access/nik-lookups', op.token, { nik });
        sent.push({ kind: card ? 'card-read' : 'lookup', instance: here.name, status: answer.status, code: answer.body.code });
        if (answer.status !== 200 || !['FOUND', 'DECEASED'].includes(answer.body.outcome)) return;
        const values = answer.body.outcome === 'DECEASED' ? { deathCertificateNumber: `SKK/474.3/${i}/2026` } : { medicalRecordNumber: `RM-${i}` };
        const balikan = await there.call('POST', '/v1/balikan', op.token, {
          accessId: answer.body.accessId,
          nik,
          verificationToken: answer.body.verificationToken,
          ...values,
        });
        sent.push({ kind: 'balikan', instance: there.name, status: balikan.status, code: balikan.body.code });
        if (balikan.status === 202) accepted.push(balikan.body.balikanId as string);
      };

      // Which process holds a projection's lock: the backend holding the advisory lock, by its client port.
      const gatewayPids = () => [a, b].flatMap((i) => [i.child.pid!, ...childrenRunning(i.child.pid!, 'projection-worker.js')]);
      const holdersOf = async (projection: string) => {
        const ports = await sql<{ port: number }>(
          `SELECT a.client_port AS port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.objid::bigint = (hashtext($1)::bigint & 4294967295)`,
          [`projection:${projection}`],
        );
        return processOwningPorts(
          gatewayPids(),
          ports.map((r) => r.port),
        );
      };
      const soleHolder = async () => {
        const holders = await holdersOf('reporting');
        return holders.length === 1 && holders;
      };
      const workers = () => [a, b].flatMap((i) => childrenRunning(i.child.pid!, 'projection-worker.js'));
      // Before the load, a projection worker (not a service process) runs the reporting projection.
      expect(workers()).toContain((await until(soleHolder, { what: 'the process running the reporting projection' }))[0]);

      // A third of the way in, whichever process then runs the reporting projection is killed; the load goes on.
      let finished = 0;
      let killed: { pid: number; finished: number } | undefined;
      let kill: Promise<void> | undefined;
      const started = Date.now();
      await pool(ACCESSES, CONCURRENCY, one, (n) => {
        finished = n;
        if (n === Math.floor(ACCESSES / 3))
          kill ??= until(soleHolder, { what: 'the process running the reporting projection' }).then(([pid]) => {
            expect(workers()).toContain(pid);
            process.kill(pid!, 'SIGKILL');
            killed = { pid: pid!, finished };
          });
      });
      const loadMs = Date.now() - started;
      await kill;
      expect(killed!.finished).toBeLessThan(ACCESSES); // killed while the load still ran
      // Another process took the projections over (the other instance's worker, or the killed one's replacement).
      const [successor] = await until(soleHolder, {
        what: 'a projection worker running the reporting projection after the kill',
        timeoutMs: 60_000,
      });
      expect(successor).not.toBe(killed!.pid);

      // The load itself: nothing failed on the gateway's side.
      expect(sent.filter((s) => s.status >= 500)).toEqual([]);
      expect(sent.filter((s) => s.kind === 'balikan' && s.status !== 202)).toEqual([]);
      expect(accepted.length).toBeGreaterThan(ACCESSES / 3);
      expect(new Set(sent.map((s) => s.instance))).toEqual(new Set(['A', 'B']));

      // Every accepted balikan recorded DELIVERED, the outbox empty.
      await until(
        async () => {
          const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM es_events WHERE type = 'BalikanDelivered'`);
          const [{ left }] = await sql<{ left: number }>(`SELECT count(*)::int AS left FROM balikan_outbox`);
          return n >= accepted.length && left === 0;
        },
        { what: 'every balikan delivered', timeoutMs: 60_000, everyMs: 200 },
      );
      // ... and the registry received each exactly once, under its own reference.
      const received = (await (await fetch(`${simulator!.url}/simulator/balikan`)).json()) as {
        received: number;
        distinct: number;
        perReference: Record<string, number>;
      };
      expect(Object.entries(received.perReference).filter(([, n]) => n !== 1)).toEqual([]);
      expect(Object.keys(received.perReference).sort()).toEqual([...accepted].sort());
      expect(received.received).toBe(accepted.length);
      const delivered = await sql<{ id: string; n: number }>(
        `SELECT data->>'balikanId' AS id, count(*)::int AS n FROM es_events WHERE type = 'BalikanDelivered' GROUP BY 1`,
      );
      expect(delivered.filter((d) => d.n !== 1)).toEqual([]);
      expect(delivered.map((d) => d.id).sort()).toEqual([...accepted].sort());

      // Projections caught up: nothing they handle lies past their stored checkpoints.
      const projections = applicationProjections(new EventSchemas(eventCatalogue), loadConfig({}), () => {
        throw new Error('the spec signs nothing');
      });
      /** Events of the types a projection handles ('*': all), all of them or only those past its stored checkpoint. */
      const handledCount = async (handles: readonly string[], pastCheckpointOf?: string) => {
        const [{ n }] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM es_events e
           WHERE ($1::boolean OR e.type = ANY($2::text[]))
             AND ($3::text IS NULL OR NOT EXISTS (SELECT 1 FROM projection_checkpoints c WHERE c.name = $3
               AND (e.transaction_id, e.global_position) <= (c.commit_position::text::xid8, c.prepare_position::bigint)))`,
          [handles.includes('*'), handles, pastCheckpointOf ?? null],
        );
        return n;
      };
      for (const p of projections)
        await until(async () => (await handledCount(p.handles, p.name)) === 0, { what: `projection ${p.name} caught up`, timeoutMs: 60_000, everyMs: 200 });

      // Each projection's own counter: every event it handles, once.
      const checkpoints = new Map(
        (await sql<{ name: string; handled: number }>(`SELECT name, events_handled::int AS handled FROM projection_checkpoints`)).map((r) => [
          r.name,
          r.handled,
        ]),
      );
      for (const p of projections)
        expect({ projection: p.name, handled: checkpoints.get(p.name) }).toEqual({ projection: p.name, handled: await handledCount(p.handles) });

      // The read models: the event volume per type, the notary's leaves, the report figures.
      const store = await countsByType();
      const volume = new Map(
        (await sql<{ type: string; n: number }>(`SELECT event_type AS type, sum(events)::int AS n FROM event_volume_daily GROUP BY 1`)).map((r) => [
          r.type,
          r.n,
        ]),
      );
      expect(Object.fromEntries(volume)).toEqual(Object.fromEntries(store));
      const total = [...store.values()].reduce((s, n) => s + n, 0);
      const [leaves] = await sql<{ n: number; distinct: number; last: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct, max(leaf_index)::int AS last FROM audit_leaves`,
      );
      expect(leaves).toEqual({ n: total, distinct: total, last: total - 1 });
      const [{ unnotarised }] = await sql<{ unnotarised: number }>(
        `SELECT count(*)::int AS unnotarised FROM es_events e WHERE NOT EXISTS (SELECT 1 FROM audit_leaves l WHERE l.event_id = e.event_id)`,
      );
      expect(unnotarised).toBe(0);

      const lookups = store.get('NikLookupPerformed') ?? 0;
      const cardReads = store.get('CardReadRecorded') ?? 0;
      const [owed] = await sql<{ submitted: number; delivered: number }>(
        `SELECT count(DISTINCT data->>'accessId') FILTER (WHERE type = 'BalikanSubmitted')::int AS submitted,
                count(DISTINCT data->>'accessId') FILTER (WHERE type = 'BalikanDelivered')::int AS delivered
         FROM es_events WHERE type IN ('BalikanSubmitted', 'BalikanDelivered')`,
      );
      const { year, semester } = semesterOf(new Date());
      for (const instance of [a, b]) {
        const report = await aCurrentReport(() => instance.call('GET', `/v1/reports/semester/${year}/${semester}`, admin), {
          what: `the report on ${instance.name}`,
        });
        expect(report.status).toBe(200);
        expect({
          instance: instance.name,
          accesses: report.body.totals.total,
          cardReads: report.body.totals.cardReader,
          balikan: report.body.balikan,
        }).toMatchObject({
          instance: instance.name,
          accesses: lookups + cardReads,
          cardReads,
          balikan: { accessesWithBalikanSubmitted: owed!.submitted, accessesWithBalikanDelivered: owed!.delivered },
        });
        const fingerprint = report.body.fingerprint as { matched: number; notMatched: number; notPerformed: number };
        expect(fingerprint.matched + fingerprint.notMatched + fingerprint.notPerformed).toBe(cardReads);
        // Disdukcapil's compliance views, from the same read models.
        const activity = (await instance.call('GET', '/v1/compliance/operator-activity?unusualOnly=false', auditor)).body as { days: { accesses: number }[] };
        expect(activity.days.reduce((s, d) => s + d.accesses, 0)).toBe(lookups + cardReads);
        const readers = (await instance.call('GET', '/v1/compliance/card-readers', auditor)).body as { reads: Record<string, number> }[];
        expect(readers.reduce((s, r) => s + r.reads.matched! + r.reads.notMatched! + r.reads.notPerformed!, 0)).toBe(cardReads);
      }

      // Checkpoints signed while both ran, read from each instance, verify with the one pinned key; the log only grew.
      for (const instance of [a, b]) {
        const list = (await instance.call('GET', '/v1/audit/checkpoints', auditor)).body as Checkpoint[];
        expect(list.length).toBeGreaterThanOrEqual(Math.floor(total / CHECKPOINT_EVERY_EVENTS) - 1);
        expect(list.filter((c) => !verifyCheckpoint(c, pinned)).map((c) => c.treeSize)).toEqual([]);
        const [first, last] = [list[0]!, list[list.length - 1]!];
        const consistency = await instance.call('GET', `/v1/audit/consistency?from=${first.treeSize}&to=${last.treeSize}`, auditor);
        const path = (consistency.body.path as string[]).map((h) => Buffer.from(h, 'hex'));
        expect(verifyConsistency(first.treeSize, last.treeSize, Buffer.from(first.rootHash, 'hex'), Buffer.from(last.rootHash, 'hex'), path)).toBe(true);
        // A balikan delivered during the load is in the log the latest checkpoint signs.
        const [{ event_id }] = await sql<{ event_id: string }>(
          `SELECT l.event_id FROM audit_leaves l JOIN es_events e ON e.event_id = l.event_id WHERE e.type = 'BalikanDelivered' AND l.leaf_index < $1 ORDER BY l.leaf_index DESC LIMIT 1`,
          [last.treeSize],
        );
        const proof = (await instance.call('GET', `/v1/audit/proofs/${event_id}?treeSize=${last.treeSize}`, auditor)).body;
        expect(verifyCheckpoint(proof.checkpoint, pinned)).toBe(true);
        expect(
          verifyInclusion(
            Buffer.from(proof.leafHash, 'hex'),
            proof.leafIndex,
            proof.treeSize,
            (proof.auditPath as string[]).map((h) => Buffer.from(h, 'hex')),
            Buffer.from(proof.checkpoint.rootHash, 'hex'),
          ),
        ).toBe(true);
      }
      process.stdout.write(
        `scale-out load: worker ${killed!.pid} killed after ${killed!.finished} of ${ACCESSES} accesses, ${successor} (instance ${childrenRunning(a.child.pid!, 'projection-worker.js').includes(successor!) ? 'A' : 'B'}) took over; ${sent.length} requests (${ACCESSES} accesses, ${accepted.length} balikan) at concurrency ${CONCURRENCY} in ${loadMs} ms; ${total} events\n`,
      );
    });
  },
);
