import { createPublicKey, randomUUID } from 'node:crypto';
import type { Checkpoint } from '../../src/modules/audit/checkpoint';
import { verifyCheckpoint } from '../../src/modules/audit/checkpoint';
import { verifyConsistency, verifyInclusion } from '../../src/modules/audit/merkle';
import { semesterOf } from '../../src/modules/reporting/semester/semester';
import { AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { until } from '../support/until';
import { aCurrentReport } from '../support/current-report';
import { AUDITOR_USER_ID } from '../support/parties';

/**
 * What a Disdukcapil auditor does with the live log: fetch the signed checkpoints, check them with the key
 * pinned once, and ask the gateway to prove that a given event is in the log and that the log only grew.
 */
describe('The verifiable audit log, through the API', () => {
  let t: TestApp;
  let auditor: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const pinned = createPublicKey({ key: Buffer.from(process.env.TEST_AUDIT_PUBLIC_KEY!, 'base64'), format: 'der', type: 'spki' });
  const get = async (path: string) => (await t.http().get(path).set(auth(auditor))).body;

  beforeAll(async () => {
    t = await startApp();
    // Disdukcapil enrols its own auditors.
    const seededAuditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    const userId = uniqueUserId('audit');
    await t.http().post('/v1/operators').set(auth(seededAuditor)).send({ userId, password: 'audit-password-1', role: 'DUKCAPIL_AUDITOR' }).expect(201);
    auditor = await t.login(userId, 'audit-password-1');
    // Enough traffic for two checkpoints of their own (one every 100 events in the test set-up).
    for (let i = 0; i < 210; i++) {
      await t.infra.eventStore.appendToStream(`denial-${randomUUID()}`, [
        { type: 'AccessDenied', data: { denialId: randomUUID(), reason: 'NETWORK_NOT_ALLOWED', route: 'GET /v1/operators' } },
      ]);
    }
    const [{ n }] = await t.infra.dataSource.query(`SELECT count(*)::int AS n FROM es_events`);
    await until(async () => ((await get('/v1/audit/checkpoints')) as Checkpoint[]).some((c) => c.treeSize >= n - 100), {
      what: 'checkpoints over the new events',
    });
    // The report pins the log at its cut-off, which needs the notary to have logged every event: on a busy
    // machine it may trail the checkpoints by a batch.
    await until(async () => (await t.infra.dataSource.query(`SELECT count(*)::int AS n FROM audit_leaves`))[0].n >= n, {
      what: 'the notary logging every event of the set-up',
      timeoutMs: 60_000,
    });
  });
  afterAll(() => t?.close());

  it('publishes checkpoints signed with the key the auditor pinned, over a growing log', async () => {
    const list = (await get('/v1/audit/checkpoints')) as Checkpoint[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const c of list) expect(verifyCheckpoint(c, pinned)).toBe(true);
    expect(list.map((c) => c.treeSize)).toEqual([...list.map((c) => c.treeSize)].sort((a, b) => a - b));
    const key = await get('/v1/audit/public-key');
    expect(createPublicKey(key.publicKey).export({ type: 'spki', format: 'der' }).toString('base64')).toBe(process.env.TEST_AUDIT_PUBLIC_KEY);
  });

  it('proves that an event is in the log, to the first checkpoint that covers it and to the latest', async () => {
    const list = (await get('/v1/audit/checkpoints')) as Checkpoint[];
    const latest = list[list.length - 1]!;
    const [{ event_id }] = await t.infra.dataSource.query(`SELECT event_id FROM audit_leaves WHERE leaf_index = $1`, [Math.floor(latest.treeSize / 2)]);
    for (const path of [`/v1/audit/proofs/${event_id}`, `/v1/audit/proofs/${event_id}?treeSize=${latest.treeSize}`]) {
      const proof = await get(path);
      expect(verifyCheckpoint(proof.checkpoint, pinned)).toBe(true);
      const ok = verifyInclusion(
        Buffer.from(proof.leafHash, 'hex'),
        proof.leafIndex,
        proof.treeSize,
        proof.auditPath.map((h: string) => Buffer.from(h, 'hex')),
        Buffer.from(proof.checkpoint.rootHash, 'hex'),
      );
      expect(ok).toBe(true);
    }
  });

  it('proves that the log at an earlier checkpoint is a prefix of the log at a later one', async () => {
    const list = (await get('/v1/audit/checkpoints')) as Checkpoint[];
    const [first, last] = [list[0]!, list[list.length - 1]!];
    const proof = await get(`/v1/audit/consistency?from=${first.treeSize}&to=${last.treeSize}`);
    const path = proof.path.map((h: string) => Buffer.from(h, 'hex'));
    expect(verifyConsistency(first.treeSize, last.treeSize, Buffer.from(first.rootHash, 'hex'), Buffer.from(last.rootHash, 'hex'), path)).toBe(true);
  });

  it('prints the latest checkpoint in the semester report, so a paper copy pins the log', async () => {
    const { year, semester } = semesterOf(new Date());
    // 503 REPORT_NOT_CURRENT (with Retry-After) is the documented answer while the notary trails; a client retries.
    const { body: report } = await aCurrentReport(() => t.http().get(`/v1/reports/semester/${year}/${semester}`).set(auth(auditor)), {
      what: 'the semester report with its checkpoint',
      status: 200,
    });
    expect(report.logCheckpoint).not.toBeNull();
    const list = (await get('/v1/audit/checkpoints')) as Checkpoint[];
    expect(list.map((c) => c.treeSize)).toContain(report.logCheckpoint.treeSize);
    expect(list.find((c) => c.treeSize === report.logCheckpoint.treeSize)!.rootHash).toBe(report.logCheckpoint.rootHash);
  });

  it('answers an unknown event, an unsigned size and a backwards range with a clear code', async () => {
    const status = async (path: string) => {
      const res = await t.http().get(path).set(auth(auditor));
      return `${res.status} ${res.body.code}`;
    };
    expect(await status(`/v1/audit/proofs/${randomUUID()}`)).toBe('404 EVENT_NOT_NOTARISED');
    expect(await status('/v1/audit/proofs/not-a-uuid')).toBe('400 ID_MALFORMED');
    expect(await status('/v1/audit/consistency?from=3&to=2')).toBe('400 RANGE_INVALID');
    expect(await status('/v1/audit/consistency?from=1&to=999999999')).toBe('404 CHECKPOINT_NOT_FOUND');
    expect(await status('/v1/audit/consistency?from=x&to=2')).toBe('400 VALIDATION_FAILED');
  });
});
