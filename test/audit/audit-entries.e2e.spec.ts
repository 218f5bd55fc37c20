import canonicalize from 'canonicalize';
import { createHash, createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
// The harness drives the gateway in-process; the verifier below uses none of these.
import { findPersonalData } from '../../src/infrastructure/event-store/personal-data';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import { RequestCheckpoint, RequestCheckpointHandler } from '../../src/modules/audit/request-checkpoint';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, type TestApp } from '../support/app';
import { anAgreementInForce, anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';
import { until } from '../support/until';

/*
 * An auditor's own verifier, written from RFC 9162 §2.1.3.2 and docs/audit-log.md alone: it uses nothing
 * from the gateway's source (only node:crypto and canonicalize), so a proof it accepts is one any outside
 * client can check.
 */
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHashOf = (canonicalEntry: string) => sha256(Buffer.from([0x00]), Buffer.from(canonicalEntry, 'utf8'));
const nodeHashOf = (left: Buffer, right: Buffer) => sha256(Buffer.from([0x01]), left, right);

/** RFC 9162 §2.1.3.2, step by step. */
function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Buffer, path: readonly Buffer[]): Buffer | null {
  if (leafIndex >= treeSize) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHashOf(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = nodeHashOf(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

interface Answer {
  kind: string;
  treeSize: number;
  checkpoint: { logId: string; treeSize: number; rootHash: string; chainHead: string; signedAt: string; keyId: string; signature: string };
  entries: { eventId: string; leafIndex: number; leafHash: string; canonical: string; entry: Record<string, unknown>; auditPath: string[] }[];
}

/** What the auditor concludes from an answer, with the key pinned once. */
function verifyAnswer(answer: Answer, publicKey: KeyObject): string[] {
  const problems: string[] = [];
  const c = answer.checkpoint;
  const signed = canonicalize({ logId: c.logId, treeSize: c.treeSize, rootHash: c.rootHash, chainHead: c.chainHead, signedAt: c.signedAt })!;
  if (!verify(null, Buffer.from(signed, 'utf8'), publicKey, Buffer.from(c.signature, 'base64'))) problems.push('checkpoint signature');
  for (const e of answer.entries) {
    // The entry's fields, canonicalised by RFC 8785, are the very text that was hashed.
    if (canonicalize(e.entry) !== e.canonical) problems.push(`${e.eventId}: canonical text is not JCS of the entry`);
    const root = rootFromInclusionProof(
      e.leafIndex,
      c.treeSize,
      leafHashOf(canonicalize(e.entry)!),
      e.auditPath.map((h) => Buffer.from(h, 'hex')),
    );
    if (!root?.equals(Buffer.from(c.rootHash, 'hex'))) problems.push(`${e.eventId}: not in the tree of the checkpoint`);
  }
  return problems;
}

describe('An auditor proves an access and its balikan from the API and a public key alone', () => {
  let t: TestApp;
  let auditor: string;
  let admin: string;
  let accessId: string;
  let balikanId: string;
  let nik: string;
  let publicKey: KeyObject;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const entries = (id: string, token = auditor) => t.http().get(`/v1/audit/entries/${id}`).set(auth(token));
  /** A new event in the shared log, once the notary has logged it (other suites write to the same log meanwhile). */
  const somethingNewLogged = async () => {
    const denialId = randomUUID();
    await t.infra.eventStore.appendToStream(`denial-${denialId}`, [
      { type: 'AccessDenied', eventId: denialId, data: { denialId, reason: 'NETWORK_NOT_ALLOWED', route: 'POST /v1/audit/checkpoints' } },
    ]);
    await until(async () => (await t.infra.dataSource.query(`SELECT 1 FROM audit_leaves WHERE event_id = $1`, [denialId])).length > 0, {
      what: 'the new event notarised',
    });
  };

  beforeAll(async () => {
    // No interval between requested checkpoints here: the suite asks for them as it needs (the limit has its own test).
    t = await startApp({ AUDIT_CHECKPOINT_REQUEST_SECONDS: '0' });
    admin = await t.login('admin', ADMIN_PASSWORD);
    auditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    await anAgreementInForce(callerOf(t), admin, auditor);
    const [puskesmas] = (await thePuskesmasList(callerOf(t), admin)).filter((f) => f.kind === 'PUSKESMAS');
    const { token: operator } = await anOperatorAt(reach(t), admin, puskesmas!.facilityId);
    nik = t.app.get(RegistryConnection).simulator!.samples.found[0]!;
    const lookup = await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik }).expect(200);
    accessId = lookup.body.accessId;
    const balikan = await t
      .http()
      .post('/v1/balikan')
      .set(auth(operator))
      .send({ accessId, nik, verificationToken: lookup.body.verificationToken, medicalRecordNumber: 'RM-2025-004411', bloodType: 'AB+' })
      .expect(202);
    balikanId = balikan.body.balikanId;
    publicKey = createPublicKey((await t.http().get('/v1/audit/public-key').set(auth(auditor)).expect(200)).body.publicKey);
    await until(async () => (await entries(accessId)).body.code !== 'NOT_YET_NOTARISED', { what: 'the access notarised' });
  }, 120_000);
  afterAll(() => t?.close());

  it('signs a checkpoint on request that covers the access, so its proof need not wait for the next periodic one', async () => {
    const res = await t.http().post('/v1/audit/checkpoints').set(auth(auditor)).expect(200);
    const leaves: { leaf_index: string }[] = await t.infra.dataSource.query(`SELECT leaf_index::text FROM audit_leaves WHERE event_id = $1`, [accessId]);
    expect(res.body.checkpoint.treeSize).toBeGreaterThan(Number(leaves[0]!.leaf_index));
    expect((await entries(accessId)).status).toBe(200);
  });

  it('gives the same checkpoint again while nothing new is logged', async () => {
    const handler = t.app.get(RequestCheckpointHandler);
    // Other suites log into the same store: asked twice in a quiet moment, the second answer is the first.
    await until(
      async () => {
        const first = await handler.execute(new RequestCheckpoint());
        const again = await handler.execute(new RequestCheckpoint());
        return again.created === false && again.checkpoint.treeSize === first.checkpoint.treeSize && again.checkpoint.signature === first.checkpoint.signature;
      },
      { what: 'the same checkpoint twice' },
    );
  });

  describe('on a deployment that allows one requested checkpoint per hour', () => {
    let strict: TestApp;
    beforeAll(async () => {
      strict = await startApp({ AUDIT_CHECKPOINT_REQUEST_SECONDS: '3600', RUN_PROJECTIONS: 'false' });
    }, 60_000);
    afterAll(() => strict?.close());

    it('refuses a checkpoint within the hour of the latest with 429 and Retry-After', async () => {
      // The latest checkpoint is at most minutes old (this suite just asked for one); something new is logged after it.
      const refused = await until(
        async () => {
          await somethingNewLogged();
          const res = await strict.http().post('/v1/audit/checkpoints').set(auth(auditor));
          return res.status === 429 && res;
        },
        { what: 'a refused request', timeoutMs: 30_000 },
      );
      expect(refused.body.code).toBe('CHECKPOINT_RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    });

    it("does not let Dinkes's administrator sign a checkpoint on request (Disdukcapil supervises)", async () => {
      const res = await strict.http().post('/v1/audit/checkpoints').set(auth(admin));
      expect(`${res.status} ${res.body.code}`).toMatch(/^403 /);
    });
  });

  it('proves every event of an access with the entry as hashed, verified by code that shares nothing with the gateway', async () => {
    const answer = (await entries(accessId).expect(200)).body as Answer;
    expect(answer.kind).toBe('ACCESS');
    expect(answer.entries.length).toBeGreaterThanOrEqual(2); // the lookup and the balikan request
    expect(answer.entries[0]!.eventId).toBe(accessId);
    expect(answer.entries.every((e) => e.entry.streamId === `access-${accessId}`)).toBe(true);
    expect(verifyAnswer(answer, publicKey)).toEqual([]);
    // The leaf the gateway recorded is the one the auditor recomputes.
    for (const e of answer.entries) expect(leafHashOf(e.canonical).toString('hex')).toBe(e.leafHash);
    // Nothing personal is shown: not the NIK, not the balikan's values, no NIK-like value in any entry (the
    // privacy guard's own rule; the hex hashes are left out, where 16 decimal digits in a row occur by chance).
    const text = JSON.stringify(answer);
    for (const value of [nik, 'RM-2025-004411', 'AB+']) expect(text).not.toContain(value);
    for (const e of answer.entries) expect(findPersonalData(e.entry)).toBeUndefined();
  });

  it('proves a balikan by its balikanId, to a checkpoint the auditor names', async () => {
    const { checkpoint } = (await entries(accessId).expect(200)).body as Answer;
    const answer = (await t.http().get(`/v1/audit/entries/${balikanId}?treeSize=${checkpoint.treeSize}`).set(auth(auditor)).expect(200)).body as Answer;
    expect(answer.kind).toBe('BALIKAN');
    expect(answer.entries.length).toBeGreaterThanOrEqual(1);
    expect(answer.entries.every((e) => (e.entry.data as { balikanId: string }).balikanId === balikanId)).toBe(true);
    expect(verifyAnswer(answer, publicKey)).toEqual([]);
  });

  it('fails the check when an entry, its position or the checkpoint was altered', async () => {
    const answer = (await entries(accessId).expect(200)).body as Answer;
    const altered = (change: (a: Answer) => void) => {
      const copy = structuredClone(answer);
      change(copy);
      return verifyAnswer(copy, publicKey);
    };
    expect(altered((a) => ((a.entries[0]!.entry as { occurredAt: string }).occurredAt = '2020-01-01T00:00:00.000Z'))).not.toEqual([]);
    expect(altered((a) => ((a.entries[0]!.entry.data as Record<string, unknown>).facilityId = 'another'))).not.toEqual([]);
    expect(altered((a) => (a.entries[0]!.leafIndex += 1))).not.toEqual([]);
    expect(altered((a) => (a.checkpoint.rootHash = a.checkpoint.rootHash.replace(/^./, (c) => (c === '0' ? '1' : '0'))))).not.toEqual([]);
    expect(altered((a) => (a.checkpoint.signedAt = '2020-01-01T00:00:00.000Z'))).toEqual(['checkpoint signature']);
  });

  it('answers an unknown id, a plain event id and an id that is not one with clear codes', async () => {
    const status = async (path: string) => {
      const res = await t.http().get(path).set(auth(auditor));
      return `${res.status} ${res.body.code}`;
    };
    expect(await status('/v1/audit/entries/00000000-0000-4000-8000-000000000000')).toBe('404 EVENT_NOT_NOTARISED');
    expect(await status('/v1/audit/entries/not-an-id')).toBe('400 ID_MALFORMED');
    const [{ event_id }] = await t.infra.dataSource.query(`SELECT event_id::text FROM audit_leaves WHERE leaf_index = 0`);
    expect(await status(`/v1/audit/entries/${event_id}`)).toBe('422 NOT_AN_ACCESS_OR_BALIKAN');
  });
});
