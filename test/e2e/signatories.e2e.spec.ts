import { createPublicKey, randomUUID } from 'node:crypto';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import { verifyCheckpoint, type Checkpoint } from '../../src/modules/audit/checkpoint';
import { seededFacilities } from '../../src/modules/access/seed/seed';
import { semesterOf } from '../../src/modules/reporting/semester/semester';
import { wibDay } from '../../src/infrastructure/time/wib';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { anAgreementInForce } from '../support/fixtures';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';
import { itWithPoppler, pdfText } from '../support/pdf-text';
import { until, whileProgressing } from '../support/until';
import { aCurrentReport, type ReportAnswer } from '../support/current-report';

const binary = (res: { on: (event: string, listener: (chunk: Buffer) => void) => void }, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * The signatory register, the Bupati letter's number and the audit checkpoint at a report's cut-off, as
 * Dinkes and Disdukcapil use them through HTTP. The database is shared with other suites: the register's
 * officials are this suite's own (unique names), the letter goes to a semester nobody else uses.
 */
describe('Who signs the documents, the letter to the Bupati, and the checkpoint under the figures', () => {
  let t: TestApp;
  let admin: string;
  let auditor: string;
  let operator: string;
  let bupati: string;
  const { year, semester } = semesterOf(new Date());
  const today = wibDay(new Date());
  const tag = randomUUID()
    .replace(/[0-9-]/g, '')
    .slice(0, 6);
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  // 503 REPORT_NOT_CURRENT (with Retry-After) is the documented answer while the figures or the notary catch up: retried, as a client does.
  const current = <R extends ReportAnswer>(request: () => PromiseLike<R>) => aCurrentReport(request, { what: 'the report', status: 200 });
  const dinkesHead = {
    name: `dr. Purwati ${tag}, M.Kes.`,
    nip: '197203121998042002',
    golongan: 'IV/c',
    position: 'Kepala Dinas Kesehatan Kabupaten Karanganyar',
  };
  const dukcapilHead = {
    name: `Drs. Sutarno ${tag}, M.Si.`,
    nip: '196811201994031003',
    golongan: 'IV/b',
    position: 'Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar',
  };

  beforeAll(async () => {
    t = await startApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    const seededAuditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    await anAgreementInForce(callerOf(t), admin, seededAuditor);
    const enrol = async (by: string, role: string, facilityId?: string) => {
      const userId = uniqueUserId('sign');
      await t.http().post('/v1/operators').set(auth(by)).send({ userId, password: 'signatory-password-1', role, facilityId }).expect(201);
      return t.login(userId, 'signatory-password-1');
    };
    auditor = await enrol(seededAuditor, 'DUKCAPIL_AUDITOR');
    bupati = await enrol(seededAuditor, 'BUPATI_OFFICE');
    operator = await enrol(admin, 'PUSKESMAS_OPERATOR', seededFacilities().find((f) => f.kind === 'PUSKESMAS')!.facilityId);
  });
  afterAll(async () => t?.close());

  it("lets each party's administrator record its own signatory, and shows both in the documents' data", async () => {
    const dinkes = await t.http().post('/v1/signatories').set(auth(admin)).send(dinkesHead).expect(201);
    expect(dinkes.body).toEqual({ recorded: true, party: 'DINKES', effectiveFrom: today });
    await t
      .http()
      .post('/v1/signatories')
      .set(auth(auditor))
      .send({ ...dukcapilHead, party: 'DISDUKCAPIL' })
      .expect(201);
    // The same official again: nothing recorded.
    expect((await t.http().post('/v1/signatories').set(auth(admin)).send(dinkesHead).expect(200)).body.recorded).toBe(false);

    const register = await until(
      async () => {
        const body = (await t.http().get('/v1/signatories').set(auth(bupati)).expect(200)).body as any[];
        return body.every((p) => p.current?.name.includes(tag)) && body;
      },
      { what: 'both signatories in the register' },
    );
    expect(register.find((p) => p.party === 'DINKES').current).toMatchObject({ ...dinkesHead, rank: 'Pembina Utama Muda (IV/c)', effectiveFrom: today });
    expect(register.find((p) => p.party === 'DISDUKCAPIL').current).toMatchObject({ ...dukcapilHead, rank: 'Pembina Tingkat I (IV/b)' });

    const report = (await current(() => t.http().get(`/v1/reports/semester/${year}/${semester}`).set(auth(admin)))).body;
    expect(report.renderedOn).toBe(today);
    expect(report.signatories).toEqual({
      dinkes: { name: dinkesHead.name, nip: dinkesHead.nip, rank: 'Pembina Utama Muda (IV/c)', position: dinkesHead.position },
      disdukcapil: { name: dukcapilHead.name, nip: dukcapilHead.nip, rank: 'Pembina Tingkat I (IV/b)', position: dukcapilHead.position },
    });
    const summary = (await current(() => t.http().get(`/v1/reports/bupati/${year}/${semester}?format=json`).set(auth(bupati)))).body;
    expect(summary.signatories).toEqual(report.signatories);
  });

  it("refuses an administrator who records the other party's signatory, a petugas and the Bupati's office", async () => {
    const other = await t
      .http()
      .post('/v1/signatories')
      .set(auth(auditor))
      .send({ ...dinkesHead, name: 'Drs. Penyusup', party: 'DINKES' })
      .expect(403);
    expect(other.body.code).toBe('SIGNATORY_OTHER_PARTY');
    const back = await t
      .http()
      .post('/v1/signatories')
      .set(auth(admin))
      .send({ ...dukcapilHead, name: 'Drs. Penyusup', party: 'DISDUKCAPIL' })
      .expect(403);
    expect(back.body.code).toBe('SIGNATORY_OTHER_PARTY');
    for (const token of [operator, bupati]) {
      expect((await t.http().post('/v1/signatories').set(auth(token)).send(dinkesHead).expect(403)).body.code).toBe('ROLE_NOT_ALLOWED');
    }
    expect((await t.http().get('/v1/signatories').set(auth(operator)).expect(403)).body.code).toBe('ROLE_NOT_ALLOWED');
    // Nothing changed: each party's signatory is still its own.
    const register = (await t.http().get('/v1/signatories').set(auth(admin)).expect(200)).body as any[];
    expect(register.flatMap((p) => p.history).some((a: { name: string }) => a.name === 'Drs. Penyusup')).toBe(false);
  });

  it('refuses a malformed NIP by name, and never repeats what was sent', async () => {
    const short = await t
      .http()
      .post('/v1/signatories')
      .set(auth(admin))
      .send({ ...dinkesHead, nip: '3313011209900001' })
      .expect(400);
    expect(short.body.code).toBe('VALIDATION_FAILED');
    const wrong = await t
      .http()
      .post('/v1/signatories')
      .set(auth(admin))
      .send({ ...dinkesHead, nip: '197202301998041002' })
      .expect(400);
    expect(wrong.body.code).toBe('NIP_INVALID');
    const digits = await t
      .http()
      .post('/v1/signatories')
      .set(auth(admin))
      .send({ ...dinkesHead, name: 'Purwati 3313011209900001' })
      .expect(400);
    expect(digits.body.code).toBe('VALIDATION_FAILED');
    for (const res of [short, wrong, digits]) expect(JSON.stringify(res.body)).not.toMatch(/3313011209900001|197202301998041002|Purwati/);
  });

  it('lets Disdukcapil alone issue the Bupati summary as a letter with its number, once', async () => {
    const path = '/v1/reports/bupati/2023/1/letter';
    expect((await t.http().post(path).set(auth(admin)).send({ number: '400.12/1/2023' }).expect(403)).body.code).toBe('ROLE_NOT_ALLOWED');
    const before = (await current(() => t.http().get('/v1/reports/bupati/2023/1?format=json').set(auth(bupati)))).body;
    expect(before.letter).toBeNull();
    expect((await t.http().post(path).set(auth(auditor)).send({ number: 'no spaces allowed' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await t.http().post(path).set(auth(auditor)).send({ number: '400.12/123/2023' }).expect(201)).body).toEqual({
      recorded: true,
      year: 2023,
      semester: 1,
      number: '400.12/123/2023',
    });
    expect((await t.http().post(path).set(auth(auditor)).send({ number: '400.12/123/2023' }).expect(200)).body.recorded).toBe(false);
    expect((await t.http().post(path).set(auth(auditor)).send({ number: '400.12/124/2023' }).expect(409)).body.code).toBe('BUPATI_LETTER_ALREADY_ISSUED');
    const after = await until(async () => (await current(() => t.http().get('/v1/reports/bupati/2023/1?format=json').set(auth(bupati)))).body.letter, {
      what: 'the letter in the summary',
    });
    expect(after).toEqual({ number: '400.12/123/2023', issuedOn: today });
  });

  it('prints a signed checkpoint that covers every access the figures count, verifiable with the published key', async () => {
    const samples = t.app.get(RegistryConnection).simulator!.samples;
    const accessIds: string[] = [];
    for (const nik of samples.found.slice(0, 3)) {
      accessIds.push((await t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik }).expect(200)).body.accessId);
    }
    const report = (await current(() => t.http().get(`/v1/reports/semester/${year}/${semester}`).set(auth(auditor)))).body;
    const [last] = await t.infra.dataSource.query(`SELECT event_id FROM es_events WHERE data->>'accessId' = $1 AND type = 'NikLookupPerformed'`, [
      accessIds[2],
    ]);
    const [{ leaf_index }] = await t.infra.dataSource.query(`SELECT leaf_index::int AS leaf_index FROM audit_leaves WHERE event_id = $1`, [last.event_id]);
    expect(report.logCheckpoint.treeSize).toBeGreaterThan(leaf_index);
    expect(Date.parse(report.cutOff)).toBeLessThanOrEqual(Date.now());
    // The checkpoint is one of the log's own, signed with the key Disdukcapil pinned, dated by the cut-off.
    const checkpoints = (await t.http().get(`/v1/audit/checkpoints`).set(auth(auditor)).expect(200)).body as Checkpoint[];
    const printed = checkpoints.find((c) => c.treeSize === report.logCheckpoint.treeSize)!;
    expect(printed).toMatchObject({ rootHash: report.logCheckpoint.rootHash, signedAt: report.logCheckpoint.signedAt, keyId: report.logCheckpoint.keyId });
    const key = createPublicKey((await t.http().get('/v1/audit/public-key').set(auth(auditor)).expect(200)).body.publicKey);
    expect(verifyCheckpoint(printed, key)).toBe(true);
    // The access is in it: an inclusion proof to exactly that checkpoint.
    await t.http().get(`/v1/audit/proofs/${last.event_id}?treeSize=${printed.treeSize}`).set(auth(auditor)).expect(200);
  });

  itWithPoppler('prints the signatories on the semester report and the Bupati summary, and the letter number on the summary', async () => {
    const pdf = async (path: string, token: string) => (await current(() => t.http().get(path).set(auth(token)).buffer(true).parse(binary))).body as Buffer;
    const report = pdfText(await pdf(`/v1/reports/semester/${year}/${semester}?format=pdf`, admin)).replace(/\s+/g, ' ');
    expect(report).toContain(dinkesHead.name);
    expect(report).toContain('NIP. 19720312 199804 2 002');
    expect(report).toContain('Pembina Utama Muda (IV/c)');
    const summary = pdfText(await pdf('/v1/reports/bupati/2023/1?format=pdf', bupati)).replace(/\s+/g, ' ');
    expect(summary).toContain(dukcapilHead.name);
    expect(summary).toContain('NIP. 19681120 199403 1 003');
    expect(summary).toContain('400.12/123/2023');
  });

  it('renders the same PDF bytes twice the same day when no event came between', async () => {
    const pdf = async () =>
      (await current(() => t.http().get(`/v1/reports/semester/${year}/${semester}?format=pdf`).set(auth(admin)).buffer(true).parse(binary))).body as Buffer;
    const cutOff = async () => (await current(() => t.http().get(`/v1/reports/semester/${year}/${semester}`).set(auth(admin)))).body.cutOff as string;
    // Other suites write to the same database: compare two renderings between which the cut-off did not move.
    // While they write, the cut-off moves: that is progress, waited for; a cut-off standing still ends the wait.
    const [first, second] = await whileProgressing(
      async () => {
        const before = await cutOff();
        const both = [await pdf(), await pdf()] as const;
        const after = await cutOff();
        return { done: before === after && both, progress: after };
      },
      { what: 'two renderings with no counted event between them', stallMs: 60_000 },
    );
    expect(first.equals(second)).toBe(true);
  });
});
