import { randomUUID } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource, migrate } from '../../src/infrastructure/database/data-source';
import { START, type LogPosition, type NewEvent, type RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import { EventStoreDbEventStoreAdapter } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter';
import { GuardedEventStore } from '../../src/infrastructure/event-store/guarded-event-store';
import { ownEventFilter, type ForeignEventReport } from '../../src/infrastructure/event-store/own-events';
import type { Projection } from '../../src/infrastructure/projections/projection';
import { CheckpointNotInStoreError, ProjectionRunner, type ProjectionStatus } from '../../src/infrastructure/projections/projection-runner';
import { exportLog } from '../../src/modules/audit/audit-export';
import { CheckpointSigner } from '../../src/modules/audit/checkpoint';
import { NotaryProjection } from '../../src/modules/audit/notary.projection';
import { ReportingFreshness } from '../../src/modules/reporting/read-models/reporting-freshness';
import { FakeEventStoreDbNode, FakeLog } from '../support/fake-eventstoredb';
import { testEventSchemas } from '../support/test-event-schemas';

/**
 * The EventStoreDB adapter's view of $all, at the client boundary: the REAL client and adapter talk gRPC
 * to a fake node (test/support/fake-eventstoredb.ts) holding, besides the gateway's events, what a real
 * cluster's $all holds: system events ($stats, $scavenges, ...) and, on a shared cluster, other
 * applications' events, some with personal data. What the fake cannot show: a real server's own system
 * events and their timing, scavenging, and how a real server answers a read from a position that is no
 * record boundary of its log (another cluster's checkpoint); those are untested here.
 */
const NIK = '3313015708900004';
const access = (): NewEvent => ({
  type: 'FixtureLookupRecorded',
  data: { accessId: randomUUID(), facilityCode: 'PKM01', channel: 'WEB_PORTAL', outcome: 'FOUND', registryLatencyMs: 5, holderOrigin: 'IN_REGENCY' },
});
const envelope = { schemaVersion: 1, occurredAt: new Date().toISOString(), correlationId: null, causationId: null };

/** What a real cluster writes on its own, at the end of $all, every few seconds. */
function systemTail(node: FakeEventStoreDbNode): void {
  node.seed('$stats-127.0.0.1:2113', [{ type: '$statsCollected', data: { 'proc-cpu': 3.5 } }]);
  node.seed('$scavenges', [{ type: '$scavengeStarted', data: { scavengeId: randomUUID() } }]);
}

/** Another application on the same cluster: its own types, and one of ours where we never write, with personal data. */
function foreignEvents(node: FakeEventStoreDbNode): void {
  node.seed('his-pasien', [{ type: 'PatientAdmitted', data: { nik: NIK, nama: 'Budi Santoso', alamat: 'Jl. Lawu 1' }, metadata: envelope }]);
  node.seed('Pasien Budi Santoso', [{ type: 'FixtureCounted', data: { key: 'a', amount: 1 }, metadata: envelope }]);
  node.seed(`fixture-${randomUUID()}`, [{ type: 'FixtureCounted', data: { key: 'a', amount: 1, nik: NIK, nama: 'Budi Santoso' }, metadata: envelope }]);
}

class Recorder implements Projection {
  readonly name = `esdb-${randomUUID().slice(0, 8)}`;
  readonly handles = ['*'];
  readonly applied: RecordedEvent[] = [];
  async apply(events: readonly RecordedEvent[], _tx: EntityManager): Promise<void> {
    this.applied.push(...events);
  }
  async reset(): Promise<void> {
    this.applied.length = 0;
  }
}

const checkpointAt = (position: LogPosition) =>
  ({ status: async (name: string): Promise<Partial<ProjectionStatus>> => ({ name, position }) }) as unknown as ProjectionRunner;

describe('The gateway on an EventStoreDB node whose $all also holds system events and other applications’ events (fake node, real client)', () => {
  let db: DataSource;
  const nodes: FakeEventStoreDbNode[] = [];
  const stores: GuardedEventStore[] = [];
  const reports: ForeignEventReport[] = [];

  const open = async (node?: FakeEventStoreDbNode) => {
    node ??= await FakeEventStoreDbNode.start();
    nodes.push(node);
    const schemas = testEventSchemas();
    const adapter = new EventStoreDbEventStoreAdapter(node.connectionString, { ownEvent: ownEventFilter(schemas, (r) => reports.push(r)) });
    await adapter.initialise();
    const store = new GuardedEventStore(adapter, schemas);
    stores.push(store);
    return { node, store };
  };

  beforeAll(async () => {
    db = createDataSource(process.env.TEST_EMBEDDED_URL!);
    await db.initialize();
    await migrate(db);
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    for (const store of stores) await store.close();
    await db.destroy();
  });
  beforeEach(() => (reports.length = 0));

  describe('a report and its read model (point 3)', () => {
    it('waits while an access lies past the reporting checkpoint, and is current at it though system and foreign events follow', async () => {
      const { node, store } = await open();
      const first = await store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      systemTail(node);
      foreignEvents(node);
      systemTail(node);
      expect(await new ReportingFreshness(store, checkpointAt(first.position)).catchUp(50)).toBe(true);

      const second = await store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      systemTail(node);
      foreignEvents(node);
      expect(await new ReportingFreshness(store, checkpointAt(first.position)).catchUp(50)).toBe(false);
      expect(await new ReportingFreshness(store, checkpointAt(second.position)).catchUp(50)).toBe(true);
      expect(await store.headPosition()).toEqual(second.position);
    });

    it('asks the leader where the log ends: a lagging follower cannot make a report look current while the leader holds a newer access', async () => {
      const { node: resigned, store } = await open(); // the gateway's node, leader when it connected
      const { node: leader, store: onLeader } = await open();
      resigned.role = 'follower'; // an election moved the lead; it stays up, not yet replicated
      resigned.leader = leader.endpoint;
      const recorded = await onLeader.appendToStream(`fixture-${randomUUID()}`, [access()]);

      expect(await new ReportingFreshness(store, checkpointAt(START)).catchUp(50)).toBe(false);
      expect(await store.headPosition()).toEqual(recorded.position);
      expect(resigned.callsOf('read').every((call) => call.metadata['requires-leader'] === 'true')).toBe(true);
    });

    it('is current once a projection has read the log, whatever trails it: the checkpoint the runner reaches is the head', async () => {
      const { node, store } = await open();
      for (let i = 0; i < 3; i++) {
        await store.appendToStream(`fixture-${randomUUID()}`, [access()]);
        foreignEvents(node);
        systemTail(node);
      }
      const projection = new Recorder();
      const runner = new ProjectionRunner(store, db);
      expect(await runner.run(projection, { untilCaughtUp: true, batchSize: 2 })).toBe('caught-up'); // batches across foreign events
      expect(projection.applied).toHaveLength(3);
      const { position } = await runner.status(projection.name);
      expect(await new ReportingFreshness(store, checkpointAt(position)).catchUp(50)).toBe(true);
    });
  });

  describe('another application’s events (point 9)', () => {
    it('never reach the notary’s leaves nor the audit export, and the registered-type ones are reported without their values', async () => {
      const { node, store } = await open();
      const ours: string[] = [];
      for (let i = 0; i < 4; i++) {
        foreignEvents(node);
        const stream = `fixture-${randomUUID()}`;
        await store.appendToStream(stream, [access(), access()]);
        ours.push(...(await store.readStream(stream)).map((e) => e.eventId));
        systemTail(node);
      }
      const foreignIds = node.log.events.filter((e) => !ours.includes(e.id)).map((e) => e.id);

      // The notary and the export write to tables of their own schema here (the run's database is shared).
      const schema = `esdb_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await db.query(`CREATE SCHEMA ${schema}`);
      for (const table of ['audit_leaves', 'audit_nodes', 'audit_checkpoints'])
        await db.query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`);
      const dir = mkdtempSync(join(tmpdir(), 'esdb-export-'));
      try {
        const signer = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
        const notary = new NotaryProjection({ everyEvents: 1000, everyMs: 0, signer: () => signer });
        const inSchema: Projection = {
          name: `notary-${schema}`,
          handles: notary.handles,
          readsStoredForm: true,
          apply: async (events, tx) => {
            await tx.query(`SET LOCAL search_path TO ${schema}, public`);
            await notary.apply(events, tx);
          },
          reset: async () => undefined,
        };
        expect(await new ProjectionRunner(store, db).run(inSchema, { untilCaughtUp: true })).toBe('caught-up');
        const leaves: { event_id: string }[] = await db.query(`SELECT event_id FROM ${schema}.audit_leaves ORDER BY leaf_index`);
        expect(leaves.map((l) => l.event_id)).toEqual(ours);

        const reader = db.createQueryRunner();
        await reader.connect();
        await reader.startTransaction();
        try {
          await reader.query(`SET LOCAL search_path TO ${schema}, public`);
          const exported = await exportLog(store, { query: (q: string, p?: unknown[]) => reader.query(q, p) } as DataSource, signer, dir);
          expect(exported.events).toBe(ours.length);
        } finally {
          await reader.rollbackTransaction();
          await reader.release();
        }
        const text = readFileSync(join(dir, 'events.ndjson'), 'utf8');
        const lines = text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { eventId: string; event: unknown });
        expect(lines.map((l) => l.eventId)).toEqual(ours);
        expect(lines.every((l) => l.event !== null)).toBe(true); // each leaf matched to its own event, none shifted by a foreign one
        for (const id of foreignIds) expect(text).not.toContain(id);
        for (const value of [NIK, 'Budi', 'Lawu', 'PatientAdmitted', 'Pasien']) expect(text).not.toContain(value);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await db.query(`DROP SCHEMA ${schema} CASCADE`);
      }

      // Our type in a stream we never name, and our type with a NIK and fields it does not have: reported once each, no values.
      expect(reports.map((r) => r.reason).sort()).toEqual(expect.arrayContaining(['PERSONAL_DATA_REFUSED', 'STREAM_ID']));
      expect(new Set(reports.map((r) => `${r.position.commit}/${r.position.prepare}`)).size).toBe(reports.length);
      const said = JSON.stringify(reports);
      for (const value of [NIK, 'Budi', 'Lawu', 'Pasien']) expect(said).not.toContain(value);
    });
  });

  describe('a checkpoint taken on another store (point 10)', () => {
    /** The node's log as a backup taken after its first `count` events restores it: same events, same positions. */
    const restoredLog = (of: FakeEventStoreDbNode, count: number): FakeLog => {
      const log = new FakeLog();
      for (const e of of.log.events.slice(0, count))
        log.write(e.stream, [{ id: e.id, type: e.type, contentType: e.contentType, data: e.data, metadata: e.metadata }]);
      return log;
    };
    const refusal = async (running: Promise<unknown>) => {
      const error = await running.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CheckpointNotInStoreError);
      return (error as CheckpointNotInStoreError).reason;
    };

    it('recognises the event a checkpoint names by its id alone, though a later release would no longer read that event as its own', async () => {
      const { node } = await open();
      const [ours] = node.seed(`fixture-${randomUUID()}`, [{ type: 'FixtureLookupRecorded', data: { retired: true }, metadata: envelope }]);
      const adapter = new EventStoreDbEventStoreAdapter(node.connectionString, { ownEvent: () => false }); // a tightened schema
      try {
        const position = { commit: ours!.position, prepare: ours!.position };
        expect((await adapter.eventAt(position))?.eventId).toBe(ours!.id);
      } finally {
        await adapter.close();
      }
    });

    it('runs on from its checkpoint on the same node though system and foreign events trail the log', async () => {
      const { node, store } = await open();
      await store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      const projection = new Recorder();
      const runner = new ProjectionRunner(store, db);
      await runner.run(projection, { untilCaughtUp: true });
      systemTail(node);
      foreignEvents(node);
      await store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      systemTail(node);
      expect(await runner.run(projection, { untilCaughtUp: true })).toBe('caught-up');
      expect(projection.applied).toHaveLength(2);
      expect((await runner.status(projection.name)).refused).toBeNull();
    });

    it('refuses a node restored from an older backup, also once it has grown past the checkpoint, and a new cluster', async () => {
      const { node, store } = await open();
      await store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      systemTail(node);
      for (let i = 0; i < 3; i++) await store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      const projection = new Recorder();
      await new ProjectionRunner(store, db).run(projection, { untilCaughtUp: true });
      expect(projection.applied).toHaveLength(4);

      const restored = await open(await FakeEventStoreDbNode.start({ log: restoredLog(node, 3) }));
      const runner = new ProjectionRunner(restored.store, db);
      expect(await refusal(runner.run(projection, { untilCaughtUp: true }))).toBe('PAST_END');
      for (let i = 0; i < 5; i++) await restored.store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      expect(await refusal(runner.run(projection, { untilCaughtUp: true }))).toBe('OTHER_EVENT');
      expect(projection.applied).toHaveLength(4);
      expect((await runner.status(projection.name)).refused).toBe('OTHER_EVENT');

      const fresh = await open();
      for (let i = 0; i < 8; i++) await fresh.store.appendToStream(`fixture-${randomUUID()}`, [access()]);
      expect(await refusal(new ProjectionRunner(fresh.store, db).run(projection, { untilCaughtUp: true }))).toBe('OTHER_EVENT');

      expect(await runner.rebuild(projection)).toBe('caught-up');
      expect(projection.applied).toHaveLength(1 + 5);
      expect((await runner.status(projection.name)).refused).toBeNull();
    });
  });

  it('reads an empty node’s head as the start of the log', async () => {
    const { node, store } = await open();
    systemTail(node);
    foreignEvents(node);
    expect(await store.headPosition()).toEqual(START);
    expect(await store.hasEventsAfter(START)).toBe(false);
  });
});
