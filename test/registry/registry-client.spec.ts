import fc from 'fast-check';
import { parseLossless, readCallNikAnswer, REGISTRY_REASON_MAX, registryReasonText } from '../../src/infrastructure/registry/registry-answer';
import { RegistryClient, type RegistryClientOptions } from '../../src/infrastructure/registry/registry-client';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import { startRegistrySimulator, type RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { until } from '../support/until';

const NINE = ['kkNumber', 'nik', 'fullName', 'sex', 'birthPlace', 'birthDate', 'occupation', 'maritalStatus', 'address'];
const ADDRESS = ['street', 'rt', 'rw', 'village', 'district', 'regency', 'province'];

/** The registry client against the simulator over a real socket. */
describe('The population registry client', () => {
  let simulator: RegistrySimulator;
  let client: RegistryClient;
  const options = (over: Partial<RegistryClientOptions> = {}): RegistryClientOptions => ({
    baseUrl: simulator.url,
    instansi: 'DINKES_KRA',
    userId: 'simulator',
    password: 'simulator',
    ipUser: '10.0.0.5',
    timeoutMs: 500,
    ...over,
  });

  beforeAll(async () => {
    simulator = await startRegistrySimulator();
  });
  afterAll(async () => simulator?.stop());
  beforeEach(() => {
    simulator.setFault(null);
    client = new RegistryClient(options());
  });
  afterEach(() => client.shutdown());

  it('returns exactly the nine agreed fields of a person found, whatever else the registry sent', async () => {
    const nik = simulator.samples.found[0]!;
    const result = await client.callNik(nik);
    expect(result.outcome).toBe('FOUND');
    const person = (result as unknown as { person: Record<string, unknown> }).person;
    expect(Object.keys(person).sort()).toEqual([...NINE].sort());
    expect(Object.keys(person.address as object).sort()).toEqual([...ADDRESS].sort());
    expect(person.nik).toBe(nik);
    expect(person.kkNumber).toMatch(/^\d{16}$/);
    expect(person.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(['LAKI-LAKI', 'PEREMPUAN']).toContain(person.sex);
    expect((person.address as { rt: string }).rt).toMatch(/^\d{3}$/);
  });

  it('keeps NIKs above 2^53 (provinces 91 and 92) to the last digit', async () => {
    const papua = simulator.samples.outsideRegency.find((n) => /^9[12]/.test(n))!;
    expect(Number(papua)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    const result = await client.callNik(papua);
    expect((result as unknown as { person: { nik: string } }).person.nik).toBe(papua);
  });

  it('tells found, deceased and not found apart', async () => {
    expect((await client.callNik(simulator.samples.deceased[0]!)).outcome).toBe('DECEASED');
    expect((await client.callNik(simulator.samples.notFound[0]!)).outcome).toBe('NOT_FOUND');
  });

  it.each([
    ['Login Gagal', 'LOGIN_FAILED'],
    ['IP Address Tidak Sesuai', 'IP_NOT_MATCHED'],
    ['IP Client  Tidak terdaftar', 'IP_NOT_REGISTERED'],
    ['ip client tidak terdaftar', 'IP_NOT_REGISTERED'],
    ['Kuota Akses Hari ini telah Habis', 'DAILY_QUOTA_EXHAUSTED'],
    ['Sesuatu yang baru', 'UNRECOGNISED'],
  ])('reads the registry refusal "%s" as %s', async (respon, reason) => {
    simulator.setFault({ mode: 'RESPON', respon });
    expect(await client.callNik(simulator.samples.found[0]!)).toMatchObject({ outcome: 'REFUSED', reason });
  });

  it("keeps the registry's own reason text with a refusal, whitespace collapsed", async () => {
    simulator.setFault({ mode: 'RESPON', respon: '  Kuota Akses Hari ini\ttelah Habis ' });
    expect(await client.callNik(simulator.samples.found[0]!)).toMatchObject({
      outcome: 'REFUSED',
      reason: 'DAILY_QUOTA_EXHAUSTED',
      text: 'Kuota Akses Hari ini telah Habis',
    });
  });

  it('passes on no digit, no control character and at most 120 characters of any reason text, so a reason quoting a NIK carries it no further', () => {
    expect(registryReasonText('NIK 3313010101900001 diblokir\u0007\n\u202e')).toBe('NIK ################ diblokir');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (raw) => {
        const text = registryReasonText(raw);
        expect([...text].length).toBeLessThanOrEqual(REGISTRY_REASON_MAX);
        expect(text).not.toMatch(/[\p{Nd}\p{Cc}\p{Cf}]/u);
        expect(text).toBe(text.trim());
      }),
    );
  });

  it('refuses to start the built-in simulator on a port already taken, naming REGISTRY_BUILTIN_SIMULATOR_PORT', async () => {
    const taken = Number(new URL(simulator.url).port);
    const config = {
      builtinSimulator: true,
      builtinSimulatorPort: taken,
      instansi: 'X',
      userId: 'simulator',
      password: 'simulator',
      ipUser: '127.0.0.1',
      timeoutMs: 500,
      breakerResetMs: 500,
    };
    await expect(RegistryConnection.open(config)).rejects.toMatchObject({ setting: 'REGISTRY_BUILTIN_SIMULATOR_PORT' });
  });

  it('reads "User ID tidak ditemukan" as a refusal of the gateway, not as "no such person"', async () => {
    simulator.setFault({ mode: 'RESPON', respon: 'User ID Tidak Ditemukan' });
    expect(await client.callNik(simulator.samples.found[0]!)).toMatchObject({ outcome: 'REFUSED', reason: 'LOGIN_FAILED' });
  });

  it('reads "data tidak ditemukan" in any case and spacing as not found', async () => {
    simulator.setFault({ mode: 'RESPON', respon: '  data  TIDAK ditemukan ' });
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('NOT_FOUND');
  });

  it('is refused by the registry with wrong credentials, and never repeats them', async () => {
    const wrong = new RegistryClient(options({ password: 'hunter2-secret' }));
    const result = await wrong.callNik(simulator.samples.found[0]!);
    wrong.shutdown();
    expect(result).toMatchObject({ outcome: 'REFUSED', reason: 'LOGIN_FAILED' });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('answers TIMEOUT when the registry does not answer in time, without retrying', async () => {
    simulator.setFault({ mode: 'HANG' });
    const before = simulator.calls();
    const result = await client.callNik(simulator.samples.found[0]!);
    expect(result.outcome).toBe('TIMEOUT');
    // It gave up at its own deadline (500 ms): the simulator never answers, so an answer at all proves it; never a budget on how late.
    expect(result.latencyMs).toBeGreaterThanOrEqual(490);
    expect(simulator.calls() - before).toBe(1);
  });

  it('answers UNAVAILABLE for 5xx and unreadable answers, and retries only a broken connection', async () => {
    simulator.setFault({ mode: 'HTTP_5XX', status: 502 });
    let before = simulator.calls();
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('UNAVAILABLE');
    expect(simulator.calls() - before).toBe(1);
    simulator.setFault({ mode: 'MALFORMED' });
    before = simulator.calls();
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('UNAVAILABLE');
    expect(simulator.calls() - before).toBe(1);
    simulator.setFault({ mode: 'DOWN' });
    before = simulator.calls();
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('UNAVAILABLE');
    expect(simulator.calls() - before).toBe(3); // the first try and two retries
  });

  it('answers a call on a kept-alive connection the registry dropped meanwhile, by trying once more on a fresh one', async () => {
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('FOUND'); // leaves a connection kept alive
    simulator.setFault({ mode: 'DROP_KEPT_ALIVE' });
    const before = simulator.calls();
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('FOUND');
    expect(simulator.calls() - before).toBe(2); // the dropped try on the kept connection, then the answered one
  });

  it('answers UNAVAILABLE for an answer over 1 MiB, however well-formed (never buffering the network without bound)', async () => {
    simulator.setFault({ mode: 'OVERSIZED' });
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('UNAVAILABLE');
    simulator.setFault(null);
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('FOUND');
  });

  it('reads a 4xx as the registry refusing the gateway, not as an outage', async () => {
    simulator.setFault({ mode: 'HTTP_5XX', status: 403 });
    expect(await client.callNik(simulator.samples.found[0]!)).toMatchObject({ outcome: 'REFUSED', reason: 'UNRECOGNISED', text: 'HTTP 403' });
  });

  it('never follows a redirect, which would carry the credentials and the NIK elsewhere', async () => {
    simulator.setFault({ mode: 'REDIRECT' });
    expect((await client.callNik(simulator.samples.found[0]!)).outcome).toBe('UNAVAILABLE');
    expect(simulator.captured()).toBe(0);
  });

  it('opens the breaker after repeated failures (answering at once, without calling), and closes it once the registry is back', async () => {
    const breaking = new RegistryClient(options({ breakerVolume: 3, breakerResetMs: 300, retries: 0 }));
    try {
      simulator.setFault({ mode: 'HTTP_5XX' });
      for (let i = 0; i < 3; i++) await breaking.callNik(simulator.samples.found[0]!);
      expect(breaking.breakerState).toBe('OPEN');
      const before = simulator.calls();
      const fast = await breaking.callNik(simulator.samples.found[0]!);
      expect(fast).toMatchObject({ outcome: 'UNAVAILABLE', breakerOpen: true });
      expect(simulator.calls()).toBe(before);

      simulator.setFault(null); // the registry recovers
      // Polling the breaker's half-open window.
      const result = await until(
        async () => {
          const answer = await breaking.callNik(simulator.samples.found[0]!);
          return answer.outcome === 'FOUND' && answer;
        },
        { what: 'a call let through once the registry recovered', timeoutMs: 5000, everyMs: 50 },
      );
      expect(result.outcome).toBe('FOUND');
      expect(breaking.breakerState).toBe('CLOSED');
    } finally {
      breaking.shutdown();
    }
  });
});

describe('Reading a registry answer', () => {
  it('lets only the nine agreed fields through from an answer carrying every field the real service sends', () => {
    const answer = parseLossless(`{"content":[{"EKTP_STATUS":"SUDAH REKAM","NO_KK":3313090101900001,"NIK":3313095512900002,"NAMA_LGKP":"SITI AMINAH",
      "KAB_NAME":"KARANGANYAR","AGAMA":"ISLAM","NO_RW":5,"KEC_NAME":"KARANGANYAR","JENIS_PKRJN":"GURU","NO_RT":2,"NO_KEL":2001,"ALAMAT":"DUSUN KRAJAN",
      "NO_KEC":9,"TMPT_LHR":"KARANGANYAR","PDDK_AKH":"SLTA/SEDERAJAT","STATUS_KAWIN":"KAWIN","NO_PROP":33,"NAMA_LGKP_IBU":"SARMI","PROP_NAME":"JAWA TENGAH",
      "NO_KAB":13,"KEL_NAME":"BEJEN","JENIS_KLMIN":"PEREMPUAN","TGL_LHR":"1990-12-15","GOL_DARAH":"O","DUSUN":"KRAJAN","STAT_HBKEL":"ISTRI",
      "EKTP_CREATED":"2013-01-01","NAMA_LGKP_AYAH":"PAIMIN","KODE_POS":57714}],"lastPage":true,"numberOfElements":1,"totalElements":1,"firstPage":true,"number":0,"size":1}`);
    const result = readCallNikAnswer(answer);
    expect(result).toEqual({
      outcome: 'FOUND',
      person: {
        kkNumber: '3313090101900001',
        nik: '3313095512900002',
        fullName: 'SITI AMINAH',
        sex: 'PEREMPUAN',
        birthPlace: 'KARANGANYAR',
        birthDate: '1990-12-15',
        occupation: 'GURU',
        maritalStatus: 'KAWIN',
        address: { street: 'DUSUN KRAJAN', rt: '002', rw: '005', village: 'BEJEN', district: 'KARANGANYAR', regency: 'KARANGANYAR', province: 'JAWA TENGAH' },
      },
    });
    const out = JSON.stringify(result);
    for (const dropped of ['ISLAM', 'SARMI', 'PAIMIN', 'SLTA', 'SUDAH REKAM', 'ISTRI', '57714', '"O"']) expect(out).not.toContain(dropped);
  });
});
