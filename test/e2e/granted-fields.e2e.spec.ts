import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRANTED_FIELDS } from '../../src/modules/access/agreements/agreement.events';
import { PERSON_KEY, grantedPart } from '../../src/modules/access/agreements/granted-fields';
import type { Person } from '../../src/infrastructure/registry/registry-answer';
import { distPath, runScript, startGateway, type Finished } from '../support/processes';
import { gatewayClient, signIn } from '../support/gateway-client';
import { anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';
import { until } from '../support/until';
import { answerErrors, documentedAnswer, type OpenApiDocument } from '../support/documented-answer';

/**
 * Pasal 3(1)(a): the agreement names the fields Disdukcapil grants. A real gateway on its own store, where
 * the only agreement in force grants two of the nine: NIK and NAMA_LENGKAP.
 */
describe('The fields an agreement grants', () => {
  jest.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'nik-granted-'));
  let child: ChildProcess;
  let exited: Promise<Finished>;
  let api = '';
  let admin = '';
  let operator = '';
  let facility = '';
  let samples: { found: string[] };
  const call = gatewayClient(() => api);

  beforeAll(async () => {
    const agreementId = randomUUID();
    const given = [
      {
        streamId: `agreement-${agreementId}`,
        type: 'AgreementSigned',
        data: {
          agreementId,
          dukcapilNumber: '473.3/GF/I/2025',
          dinkesNumber: '440/GF/I/2025',
          signedOn: '2025-01-02',
          validFrom: '2025-01-02',
          validUntil: '2099-12-31',
          grantedFields: ['NIK', 'NAMA_LENGKAP'],
          actorId: 'SEED',
        },
      },
    ];
    const env = { DATA_DIR: dir, DATABASE_URL: '', REGISTRY_URL: '', LOG_LEVEL: 'info', INITIAL_ADMIN_PASSWORD: 'granted-dinkes-password' };
    const appended = await runScript(distPath('test', 'support', 'append-events.js'), [JSON.stringify(given)], env);
    expect(appended.stderr).toBe('');
    const started = await startGateway({ ...env, PORT: '0' });
    child = started.child;
    exited = started.exited;
    api = started.url;
    const simulator = started.simulatorUrl!;
    samples = (await (await fetch(`${simulator}/simulator/samples`)).json()) as typeof samples;
    admin = await signIn(call, 'admin', 'granted-dinkes-password');
    facility = (await thePuskesmasList(call, admin, { timeoutMs: 30_000, everyMs: 100 })).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    await until(async () => ((await call('GET', '/v1/agreements', admin)).body as { status: string }[]).some((a) => a.status === 'ACTIVE'), {
      what: 'the agreement in force',
      timeoutMs: 30_000,
      everyMs: 100,
    });
    operator = (await anOperatorAt(reach(call), admin, facility, { userId: 'loket.dua', password: 'operator-password-2' })).token;
  }, 300_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a lookup answers only the fields the agreement in force grants', async () => {
    const res = await call('POST', '/v1/access/nik-lookups', operator, { nik: samples.found[0] });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.person).sort()).toEqual(['fullName', 'nik']);
    expect(res.body.person.nik).toBe(samples.found[0]);
    const document = (await call('GET', '/docs-json')).body as unknown as OpenApiDocument;
    expect(answerErrors(documentedAnswer(document, 'POST', '/v1/access/nik-lookups', 200), res.body)).toEqual([]);
  });

  it('a card read answers only the fields the agreement in force grants', async () => {
    const reader = (await call('POST', `/v1/facilities/${facility}/card-readers`, admin, { samSerial: 'SAM-GRANTED-1' })).body.readerId as string;
    const res = await call('POST', '/v1/access/card-reads', operator, { readerId: reader, nik: samples.found[1], fingerprint: 'MATCHED' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.person).sort()).toEqual(['fullName', 'nik']);
  });
});

describe('The agreement vocabulary and the answer', () => {
  const person: Person = {
    kkNumber: '0013090101900009',
    nik: '0013095512900002',
    fullName: 'CONTOH',
    sex: 'PEREMPUAN',
    birthPlace: 'KARANGANYAR',
    birthDate: '1990-12-15',
    occupation: 'PETANI',
    maritalStatus: 'KAWIN',
    address: { street: 'JL. CONTOH', rt: '001', rw: '002', village: 'V', district: 'D', regency: 'R', province: 'P' },
  };

  it('maps each of the nine agreed fields to one key of the answer, and all nine to the whole person', () => {
    expect(Object.keys(PERSON_KEY).sort()).toEqual([...GRANTED_FIELDS].sort());
    expect(new Set(Object.values(PERSON_KEY)).size).toBe(9);
    expect(grantedPart(person, GRANTED_FIELDS)).toEqual(person);
  });

  it('grants nothing without an agreement naming a field, and nothing from an unknown word', () => {
    expect(grantedPart(person, [])).toEqual({});
    expect(grantedPart(person, ['GOLONGAN_DARAH'])).toEqual({});
    expect(grantedPart(null, GRANTED_FIELDS)).toBeNull();
  });
});
