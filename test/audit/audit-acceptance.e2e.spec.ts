import { createPublicKey, type KeyObject } from 'node:crypto';
// The harness sets the scene through the API (and reads the simulator's sample NIKs); the auditor's checks
// below use only HTTP answers, the public key and test/support/rfc9162-verifier.ts, which imports nothing of the gateway.
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, type TestApp } from '../support/app';
import { anAgreementInForce, anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';
import { itWithPoppler, pdfText } from '../support/pdf-text';
import { checkpointSignatureHolds, consistencyHolds, problemsOf, type EntriesAnswer, type SignedCheckpoint } from '../support/rfc9162-verifier';
import { JEST_HANG_GUARD_MS, until, whileProgressing } from '../support/until';
import { aCurrentReport } from '../support/current-report';

const binary = (res: { on: (event: string, listener: (chunk: Buffer) => void) => void }, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** The semester a WIB (UTC+7) day falls in, as the report's route names it. */
const semesterNow = () => {
  const wib = new Date(Date.now() + 7 * 3600_000);
  return { year: wib.getUTCFullYear(), semester: wib.getUTCMonth() < 6 ? 1 : 2 };
};

interface ReportCheckpoint {
  treeSize: number;
  rootHash: string;
  signedAt: string;
  keyId: string;
}

/*
 * Issue 17's "Done when": an auditor with only the API and a public key proves that a given accessId is in
 * the log and unchanged since the checkpoint on the semester report.
 */
describe('An auditor with only the API and a public key proves an access is in the log, unchanged since the semester report', () => {
  let t: TestApp;
  let auditor: string;
  let accessId: string;
  let clerk: string;
  let nik: string;
  let lookedUpAt: Date;
  let publicKey: KeyObject;
  let report: { cutOff: string | null; logCheckpoint: ReportCheckpoint | null };
  let proof: EntriesAnswer;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const { year, semester } = semesterNow();
  const reportPath = `/v1/reports/semester/${year}/${semester}`;

  /** As a client would: 503 REPORT_NOT_CURRENT (the notary trails the figures by a moment) is retried after its Retry-After, nothing else. */
  const theReport = async (format: 'json' | 'pdf') => {
    const res = await aCurrentReport(
      () =>
        t
          .http()
          .get(format === 'pdf' ? `${reportPath}?format=pdf` : reportPath)
          .set(auth(auditor))
          .buffer(true)
          .parse(format === 'pdf' ? binary : (res, done) => binary(res, (e, body) => done(e, body.length ? JSON.parse(body.toString('utf8')) : {}))),
      { what: `the semester report (${format})`, status: 200 },
    );
    return res.body;
  };

  beforeAll(async () => {
    t = await startApp({ AUDIT_CHECKPOINT_REQUEST_SECONDS: '0' });
    const admin = await t.login('admin', ADMIN_PASSWORD);
    auditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    await anAgreementInForce(callerOf(t), admin, auditor);
    const [puskesmas] = (await thePuskesmasList(callerOf(t), admin)).filter((f) => f.kind === 'PUSKESMAS');
    ({ token: clerk } = await anOperatorAt(reach(t), admin, puskesmas!.facilityId));
    // A clerk's lookup gives the accessId: the id the auditor is asked about.
    nik = t.app.get(RegistryConnection).simulator!.samples.found[0]!;
    lookedUpAt = new Date();
    accessId = (await t.http().post('/v1/access/nik-lookups').set(auth(clerk)).send({ nik }).expect(200)).body.accessId;

    // The auditor pins the public key once.
    publicKey = createPublicKey((await t.http().get('/v1/audit/public-key').set(auth(auditor)).expect(200)).body.publicKey);
    // The report whose figures count the access: its cut-off after it, its checkpoint covering every event of it.
    // Waited for while the figures move on (their cut-off, the checkpoint under them), however slowly.
    ({ report, proof } = await whileProgressing(
      async () => {
        const current = await theReport('json');
        const progress = { cutOff: current?.cutOff, treeSize: current?.logCheckpoint?.treeSize };
        if (!current?.logCheckpoint || !current.cutOff || new Date(current.cutOff) < lookedUpAt) return { done: null, progress };
        const res = await t.http().get(`/v1/audit/entries/${accessId}?treeSize=${current.logCheckpoint.treeSize}`).set(auth(auditor));
        // 422 CHECKPOINT_TOO_SMALL: the report's cut-off is before some event of the access; a later report covers it.
        if (res.status === 422 && res.body.code === 'CHECKPOINT_TOO_SMALL') return { done: null, progress };
        expect(res.status).toBe(200);
        return { done: { report: current, proof: res.body as EntriesAnswer }, progress };
      },
      { what: 'a semester report that counts the access', stallMs: 60_000 },
    ));
  }, JEST_HANG_GUARD_MS);
  afterAll(() => t?.close());

  it("verifies the report's checkpoint: signed with the pinned key, the same size, root, time and key as the report states", async () => {
    const c = report.logCheckpoint!;
    const signed = ((await t.http().get(`/v1/audit/checkpoints?fromSize=${c.treeSize}`).set(auth(auditor)).expect(200)).body as SignedCheckpoint[]).find(
      (s) => s.treeSize === c.treeSize,
    )!;
    expect({ treeSize: signed.treeSize, rootHash: signed.rootHash, signedAt: signed.signedAt, keyId: signed.keyId }).toEqual(c);
    expect(checkpointSignatureHolds(signed, publicKey)).toBe(true);
    expect(proof.checkpoint).toEqual(signed);
  });

  itWithPoppler('reads the same checkpoint printed on the PDF of the report', async () => {
    // The figures may move on between two requests (other suites write to the same log): a PDF and a JSON
    // answer asked back to back, retried until they stand at the same cut-off, must print the same checkpoint.
    const { printed, stated } = await whileProgressing(
      async () => {
        const pdf = await theReport('pdf');
        const json = await theReport('json');
        if (!json?.logCheckpoint) return { done: null, progress: null };
        const match = /ukuran log ([\d.]+), akar ([0-9a-f]{64})/.exec(pdfText(pdf).replace(/\s+/g, ' '));
        expect(match).not.toBeNull();
        const found = { treeSize: Number(match![1]!.replace(/\./g, '')), rootHash: match![2]! };
        return {
          done: found.treeSize === json.logCheckpoint.treeSize && { printed: found, stated: json.logCheckpoint as ReportCheckpoint },
          progress: json.logCheckpoint.treeSize, // other suites' events move the figures on: waited for
        };
      },
      { what: 'a PDF and a JSON answer of the report at the same cut-off', stallMs: 60_000 },
    );
    expect(printed).toEqual({ treeSize: stated.treeSize, rootHash: stated.rootHash });
    expect(printed.treeSize).toBeGreaterThanOrEqual(report.logCheckpoint!.treeSize);
  });

  it("recomputes each entry's leaf from its canonical text and verifies its inclusion at the report's tree size", () => {
    expect(proof.kind).toBe('ACCESS');
    expect(proof.treeSize).toBe(report.logCheckpoint!.treeSize);
    expect(proof.entries[0]!.eventId).toBe(accessId);
    expect(proof.entries.every((e) => e.entry.streamId === `access-${accessId}`)).toBe(true);
    expect(problemsOf(proof, publicKey)).toEqual([]);
  });

  it("proves the log only grew since the report's checkpoint: a consistency proof to the latest", async () => {
    const c = report.logCheckpoint!;
    // The clerk goes on working; the auditor later asks for the latest checkpoint, beyond the report's.
    await t.http().post('/v1/access/nik-lookups').set(auth(clerk)).send({ nik }).expect(200);
    const latest = await until(
      async () => {
        const { checkpoint } = (await t.http().post('/v1/audit/checkpoints').set(auth(auditor)).expect(200)).body as { checkpoint: SignedCheckpoint };
        return checkpoint.treeSize > c.treeSize && checkpoint;
      },
      { what: 'a checkpoint beyond the report' },
    );
    expect(checkpointSignatureHolds(latest, publicKey)).toBe(true);
    const { path } = (await t.http().get(`/v1/audit/consistency?from=${c.treeSize}&to=${latest.treeSize}`).set(auth(auditor)).expect(200)).body as {
      path: string[];
    };
    const hashes = path.map((h) => Buffer.from(h, 'hex'));
    expect(consistencyHolds(c.treeSize, latest.treeSize, Buffer.from(c.rootHash, 'hex'), Buffer.from(latest.rootHash, 'hex'), hashes)).toBe(true);
    // And a root that is not the report's does not pass.
    const otherRoot = Buffer.from(
      c.rootHash.replace(/^./, (d) => (d === '0' ? '1' : '0')),
      'hex',
    );
    expect(consistencyHolds(c.treeSize, latest.treeSize, otherRoot, Buffer.from(latest.rootHash, 'hex'), hashes)).toBe(false);
  });

  it('fails the check when an entry of the access was altered', () => {
    const altered = structuredClone(proof);
    (altered.entries[0]!.entry.data as Record<string, unknown>).facilityId = '00000000-0000-4000-8000-000000000000';
    expect(problemsOf(altered, publicKey)).toContain(`${accessId}: not in the tree of the checkpoint`);
  });
});
