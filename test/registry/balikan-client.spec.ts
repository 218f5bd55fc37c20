import { BalikanClient } from '../../src/infrastructure/registry/balikan-client';
import { startRegistrySimulator, type RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';

/** The data-balikan protocol client against the simulator over a real socket. */
describe('Delivering data balikan to the registry', () => {
  let simulator: RegistrySimulator;
  const client = (over: { token?: string; timeoutMs?: number } = {}) =>
    new BalikanClient({
      baseUrl: simulator.url,
      token: over.token ?? 'simulator-balikan-token',
      idLembaga: 'DINKES-3313',
      namaLembaga: 'Dinas Kesehatan Kabupaten Karanganyar',
      paramKeys: { medicalRecordNumber: 'NO_RM', bloodType: 'GOL_DARAH', deathCertificateNumber: 'NO_SKK' },
      timeoutMs: over.timeoutMs ?? 500,
    });
  const nik = '3313095512900002';

  beforeAll(async () => {
    simulator = await startRegistrySimulator();
  });
  afterAll(async () => simulator?.stop());
  afterEach(() => simulator.setFault(null, 'BALIKAN'));

  it('is acknowledged, and the receiver sees it under its reference', async () => {
    expect(await client().deliver('ref-1', nik, { medicalRecordNumber: 'RM-001', bloodType: 'O+' })).toEqual({ acknowledged: true });
    expect(simulator.balikan().perReference.get('ref-1')).toBe(1);
  });

  it('lets the receiver recognise a re-send by its reference', async () => {
    await client().deliver('ref-2', nik, { deathCertificateNumber: 'SKK/1/2025' });
    await client().deliver('ref-2', nik, { deathCertificateNumber: 'SKK/1/2025' });
    expect(simulator.balikan().perReference.get('ref-2')).toBe(2);
    expect([...simulator.balikan().perReference.keys()].filter((k) => k === 'ref-2')).toHaveLength(1);
  });

  it.each([
    [{ mode: 'DOWN' as const }, 'UNAVAILABLE'],
    [{ mode: 'HTTP_5XX' as const, status: 503 }, 'UNAVAILABLE'],
    [{ mode: 'HANG' as const }, 'TIMEOUT'],
    [{ mode: 'MALFORMED' as const }, 'MALFORMED_ANSWER'],
    [{ mode: 'REDIRECT' as const }, 'UNAVAILABLE'],
  ])('reports %j as a %s failure, never acknowledged', async (fault, failure) => {
    simulator.setFault(fault, 'BALIKAN');
    expect(await client().deliver('ref-x', nik, { bloodType: 'A' })).toEqual({ acknowledged: false, failure });
  });

  it('is rejected with a wrong token, and never follows a redirect', async () => {
    expect(await client({ token: 'wrong' }).deliver('ref-3', nik, { bloodType: 'B' })).toEqual({ acknowledged: false, failure: 'REJECTED' });
    simulator.setFault({ mode: 'REDIRECT' }, 'BALIKAN');
    await client().deliver('ref-4', nik, { bloodType: 'B' });
    expect(simulator.captured()).toBe(0);
  });
});
