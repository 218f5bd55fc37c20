import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type Finished } from '../support/processes';
import { gatewayClient, signIn } from '../support/gateway-client';
import { anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';
import { until } from '../support/until';
import { answerErrors, documentedAnswer, type OpenApiDocument } from '../support/documented-answer';

/**
 * NIK lookups and card reads as a Puskesmas app meets them: the real service (`node dist/src/main.js`,
 * as `npm start` runs it) on a fresh embedded store, the built-in registry simulator over a real socket,
 * logging at debug so every line can be searched for personal data afterwards.
 */
describe('Looking a person up by NIK, and reading a KTP-el card', () => {
  jest.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'nik-lookup-'));
  let child: ChildProcess;
  let exited: Promise<Finished>;
  let output = '';
  let api = '';
  let simulator = '';
  let admin = '';
  let operator = '';
  let operatorFacility = '';
  let samples: { found: string[]; deceased: string[]; outsideRegency: string[]; notFound: string[] };
  const names: string[] = [];

  const call = gatewayClient(() => api);
  const fault = (f: unknown) => fetch(`${simulator}/simulator/faults`, { method: f ? 'POST' : 'DELETE', body: f ? JSON.stringify(f) : undefined });
  const registryCalls = async () => ((await (await fetch(`${simulator}/simulator/calls`)).json()) as { calls: number }).calls;
  const lookup = (nik: string, token = operator) => call('POST', '/v1/access/nik-lookups', token, { nik });

  /** A port free a moment ago, for the built-in simulator's fixed port. */
  const freePort = () =>
    new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
  let simulatorPort = 0;

  beforeAll(async () => {
    simulatorPort = await freePort();
    const started = await startGateway({
      REGISTRY_BUILTIN_SIMULATOR_PORT: String(simulatorPort),
      DATA_DIR: dir,
      PORT: '0',
      DATABASE_URL: '',
      REGISTRY_URL: '',
      LOG_LEVEL: 'debug',
      INITIAL_ADMIN_PASSWORD: 'lookup-dinkes-password',
      INITIAL_AUDITOR_PASSWORD: 'lookup-dukcapil-password',
      REGISTRY_TIMEOUT_MS: '400',
      REGISTRY_BREAKER_RESET_MS: '500',
      LOOKUPS_PER_HOUR: '60',
    });
    child = started.child;
    exited = started.exited;
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    output += started.output;
    api = started.url;
    simulator = started.simulatorUrl!;
    samples = (await (await fetch(`${simulator}/simulator/samples`)).json()) as typeof samples;
    admin = await signIn(call, 'admin', 'lookup-dinkes-password');
    operatorFacility = (await thePuskesmasList(call, admin, { everyMs: 50 })).find((f) => f.kind === 'PUSKESMAS')!.facilityId;
    operator = (await anOperatorAt(reach(call), admin, operatorFacility, { userId: 'loket.satu', password: 'operator-password-1' })).token;
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the built-in registry simulator on the port REGISTRY_BUILTIN_SIMULATOR_PORT names, so an app developer can point at it', async () => {
    expect(simulator).toBe(`http://127.0.0.1:${simulatorPort}`);
    const answer = await fetch(`http://127.0.0.1:${simulatorPort}/simulator/samples`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as typeof samples).found.length).toBeGreaterThan(0);
  });

  it('refuses every lookup with 403 AGREEMENT_NOT_ACTIVE while only the expired 2022 agreement exists, without calling the registry', async () => {
    const before = await registryCalls();
    const res = await lookup(samples.found[0]!);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AGREEMENT_NOT_ACTIVE');
    expect(await registryCalls()).toBe(before);
  });

  it('refuses lookups while the extension proposed by Dinkes waits for Disdukcapil, and answers the nine agreed fields once Disdukcapil confirms it, with Cache-Control: no-store', async () => {
    const [agreement] = (await call('GET', '/v1/agreements', admin)).body as unknown as { agreementId: string }[];
    const proposed = await call('POST', `/v1/agreements/${agreement!.agreementId}/extensions`, admin, {
      addendumNumber: '473.3/ADD/IX/2024',
      validUntil: '2099-12-31',
    });
    expect(proposed.body).toMatchObject({ status: 'EXPIRED', validUntil: '2024-09-15' });
    const before = await registryCalls();
    const waiting = await lookup(samples.found[0]!);
    expect([waiting.status, waiting.body.code]).toEqual([403, 'AGREEMENT_NOT_ACTIVE']);
    expect(await registryCalls()).toBe(before);
    const auditor = await signIn(call, 'auditor', 'lookup-dukcapil-password');
    const extended = await call('POST', `/v1/agreements/${agreement!.agreementId}/changes/${proposed.body.change.changeId}/confirmation`, auditor);
    expect(extended.body.status).toBe('ACTIVE');
    const res = await lookup(samples.found[0]!);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.outcome).toBe('FOUND');
    expect(res.body.accessId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(res.body.person).sort()).toEqual([
      'address',
      'birthDate',
      'birthPlace',
      'fullName',
      'kkNumber',
      'maritalStatus',
      'nik',
      'occupation',
      'sex',
    ]);
    expect(res.body.person.nik).toBe(samples.found[0]);
    // What a balikan for this person must present: bound to this access and this NIK, kept nowhere on the server.
    expect(res.body.verificationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    names.push(res.body.person.fullName, res.body.person.kkNumber, res.body.verificationToken);
    // The nine fields as the simulator's registry answer gives them fit the documented answer, Person included.
    const document = (await call('GET', '/docs-json')).body as unknown as OpenApiDocument;
    expect(answerErrors(documentedAnswer(document, 'POST', '/v1/access/nik-lookups', 200), res.body)).toEqual([]);
    const agreementChanged = documentedAnswer(document, 'POST', '/v1/agreements/{id}/changes/{changeId}/confirmation', 201);
    expect(answerErrors(agreementChanged, proposed.body)).toEqual([]);
    expect(answerErrors(agreementChanged, extended.body)).toEqual([]);
    const agreements = await call('GET', '/v1/agreements', admin);
    expect(answerErrors(documentedAnswer(document, 'GET', '/v1/agreements', 200), agreements.body)).toEqual([]);
  });

  it('serves holders registered outside the regency, with NIKs above 2^53 intact', async () => {
    for (const nik of samples.outsideRegency) {
      const res = await lookup(nik);
      expect(res.status).toBe(200);
      expect(res.body.person.nik).toBe(nik);
      names.push(res.body.person.fullName, res.body.person.kkNumber);
    }
  });

  it('tells a deceased holder and an unknown NIK apart', async () => {
    const deceased = await lookup(samples.deceased[0]!);
    expect(deceased.status).toBe(200);
    expect(deceased.body.outcome).toBe('DECEASED');
    const document = (await call('GET', '/docs-json')).body as unknown as OpenApiDocument;
    expect(answerErrors(documentedAnswer(document, 'POST', '/v1/access/nik-lookups', 200), deceased.body)).toEqual([]);
    expect(deceased.body.verificationToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // a death certificate number may be sent back
    names.push(deceased.body.verificationToken);
    const missing = await lookup(samples.notFound[0]!);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NIK_NOT_FOUND');
    expect(missing.body.verificationToken).toBeUndefined(); // nobody found: nothing to send back about
    expect(JSON.stringify(missing.body)).not.toContain(samples.notFound[0]);
  });

  it.each([
    ['33130901019', 'NIK_NOT_16_DIGITS'],
    ['0013090101900001', 'NIK_UNKNOWN_PROVINCE'],
    ['3313093202900001', 'NIK_INVALID_DATE'],
    ['3313097302900001', 'NIK_INVALID_DATE'],
  ])('refuses the malformed NIK %s with %s, without calling the registry', async (nik, code) => {
    const before = await registryCalls();
    const res = await lookup(nik);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code });
    expect(JSON.stringify(res.body)).not.toContain(nik);
    expect(await registryCalls()).toBe(before);
  });

  it("answers 502 REGISTRY_REFUSED with the normalised code and the registry's own words when the registry refuses, 504 when it is too slow and 503 when it fails", async () => {
    try {
      await fault({ mode: 'RESPON', respon: 'Kuota Akses Hari ini telah Habis' });
      expect((await lookup(samples.found[1]!)).body).toMatchObject({
        statusCode: 502,
        code: 'REGISTRY_REFUSED',
        message: 'The registry refused the request: DAILY_QUOTA_EXHAUSTED.',
        registryReason: 'Kuota Akses Hari ini telah Habis',
      });
      // A reason the gateway does not know, quoting the NIK asked for: passed on without its digits.
      await fault({ mode: 'RESPON', respon: `NIK ${samples.found[1]} diblokir sementara` });
      const unknown = await lookup(samples.found[1]!);
      expect(unknown.body).toMatchObject({ statusCode: 502, code: 'REGISTRY_REFUSED', registryReason: 'NIK ################ diblokir sementara' });
      expect(unknown.text).not.toContain(samples.found[1]!);
      await fault({ mode: 'HANG' });
      expect((await lookup(samples.found[1]!)).body).toMatchObject({ statusCode: 504, code: 'REGISTRY_TIMEOUT' });
      await fault({ mode: 'HTTP_5XX' });
      expect((await lookup(samples.found[1]!)).body).toMatchObject({ statusCode: 503, code: 'REGISTRY_UNAVAILABLE' });
    } finally {
      await fault(null);
    }
  });

  it('stops calling a failing registry for a while (503 at once), and serves again once it is back', async () => {
    await fault({ mode: 'HTTP_5XX' });
    try {
      // Failures outweigh the earlier successes in the breaker's window: within a few dozen it opens.
      let opened = false;
      for (let i = 0; i < 40 && !opened; i++) {
        const before = await registryCalls();
        const res = await lookup(samples.found[2]!);
        expect(res.body.code).toBe('REGISTRY_UNAVAILABLE');
        opened = (await registryCalls()) === before; // answered without calling the registry
      }
      expect(opened).toBe(true);
    } finally {
      await fault(null);
    }
    const served = await until(
      async () => {
        const res = await lookup(samples.found[2]!);
        return res.status === 200 && res;
      },
      { what: 'the registry served again after the breaker closed', everyMs: 50 },
    );
    expect(served.body.outcome).toBe('FOUND');
  });

  it("reads a card only from a registered, in-service reader of the operator's own Puskesmas, and only after a matched fingerprint", async () => {
    const reader = (await call('POST', `/v1/facilities/${operatorFacility}/card-readers`, admin, { samSerial: 'SAM-LOOKUP-1' })).body.readerId as string;
    const card = (fingerprint: string, readerId = reader) => call('POST', '/v1/access/card-reads', operator, { readerId, nik: samples.found[3], fingerprint });
    const matched = await card('MATCHED');
    expect(matched.status).toBe(200);
    expect(matched.body.outcome).toBe('FOUND');
    const before = await registryCalls();
    expect((await card('NOT_MATCHED')).body.code).toBe('FINGERPRINT_NOT_MATCHED');
    expect((await card('NOT_PERFORMED')).body.code).toBe('FINGERPRINT_NOT_PERFORMED');
    expect(await registryCalls()).toBe(before);
    const facilities = (await call('GET', '/v1/facilities', admin)).body as unknown as { facilityId: string; kind: string }[];
    const elsewhere = facilities.filter((f) => f.kind === 'PUSKESMAS' && f.facilityId !== operatorFacility)[0]!.facilityId;
    const foreign = (await call('POST', `/v1/facilities/${elsewhere}/card-readers`, admin, { samSerial: 'SAM-LOOKUP-2' })).body.readerId as string;
    expect((await card('MATCHED', foreign)).body.code).toBe('CARD_READER_NOT_REGISTERED');
    await call('POST', `/v1/card-readers/${reader}/retirement`, admin);
    expect((await card('MATCHED')).body.code).toBe('CARD_READER_RETIRED');
  });

  it("limits each operator's lookups per hour with 429 RATE_LIMITED, saying in Retry-After how many seconds remain until the clock hour ends", async () => {
    const busy = (await anOperatorAt(reach(call), admin, operatorFacility, { userId: 'loket.dua', password: 'operator-password-2' })).token;
    const answers = [];
    for (let i = 0; i < 60; i++) answers.push(await lookup(samples.found[4]!, busy));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const before = Date.now();
    const refused = await lookup(samples.found[4]!, busy);
    const after = Date.now();
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    // The service read its clock between `before` and `after`: the seconds left in that clock hour.
    const left = (t: number) => Math.max(1, Math.ceil((3_600_000 - (t % 3_600_000)) / 1000));
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(Math.min(left(before), left(after)));
    expect(retryAfter).toBeLessThanOrEqual(Math.max(left(before), left(after)));
  });

  it('never writes a NIK, a KK number, a name or a verification token into its log or error output, even at debug level', async () => {
    expect(output.length).toBeGreaterThan(1000);
    const niks = [...samples.found, ...samples.deceased, ...samples.outsideRegency, ...samples.notFound];
    for (const secret of [...niks, ...names]) expect(output).not.toContain(secret);
  });
});
