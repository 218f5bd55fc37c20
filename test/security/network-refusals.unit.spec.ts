import fc from 'fast-check';
import { BlockList } from 'node:net';
import type { EventStore, NewEvent } from '../../src/infrastructure/event-store/event-store.port';
import { MAX_SOURCE_NETWORKS, NetworkRefusalTally, OTHER_NETWORKS, ROUTES_OTHER, sourceNetwork } from '../../src/modules/access/network/network-refusals';
import { MAX_ROUTES } from '../../src/modules/access/network/network-refusals.events';
import { testEventSchemas } from '../support/test-event-schemas';

const schemas = testEventSchemas();

/** Only appendToStream is used by the tally; every event goes through the real privacy guard's schema check. */
function recordingStore() {
  const appended: NewEvent[] = [];
  const store = {
    async appendToStream(_stream: string, events: NewEvent[]) {
      for (const e of events) schemas.validate(e.type, e.data);
      appended.push(...events);
      return { nextExpectedRevision: 0n };
    },
  } as unknown as EventStore;
  return { store, appended };
}

const ipv6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((n) => n.toString(16)).join(':'));

describe('Counting refusals of callers outside the closed network', () => {
  it("names the caller's /24 or /48 network, which holds the caller, and never the address itself", () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const network = sourceNetwork(address);
        const [base] = network.split('/');
        const list = new BlockList();
        list.addSubnet(base!, 24, 'ipv4');
        expect(list.check(address, 'ipv4')).toBe(true);
        expect(network).toMatch(/\.0\/24$/);
        expect(sourceNetwork(`::ffff:${address}`)).toBe(network);
      }),
    );
    fc.assert(
      fc.property(ipv6, (address) => {
        const network = sourceNetwork(address);
        const list = new BlockList();
        list.addSubnet(network.split('/')[0]!, 48, 'ipv6');
        expect(list.check(address, 'ipv6')).toBe(true);
        expect(network).toMatch(/^[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/48$/);
      }),
    );
    expect(sourceNetwork('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(sourceNetwork('fe80::1%eth0')).toBe('fe80:0:0::/48');
    expect(sourceNetwork(undefined)).toBe('UNKNOWN');
  });

  it('writes one event per source network and minute, with counts that add up, whatever the addresses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.ipV4(), fc.constantFrom('GET /v1/agreements', 'POST /v1/auth/login', 'GET /_unmatched')), { minLength: 1, maxLength: 300 }),
        async (requests) => {
          const { store, appended } = recordingStore();
          const tally = new NetworkRefusalTally(store);
          const minute = Date.parse('2026-03-01T10:00:00Z');
          for (const [address, route] of requests) tally.count(address, route, minute + 1000);
          await tally.close();
          const networks = new Set(requests.map(([a]) => sourceNetwork(a)));
          expect(appended.length).toBe(networks.size);
          expect(appended.reduce((s, e) => s + (e.data.count as number), 0)).toBe(requests.length);
          for (const e of appended) expect(e.data).toMatchObject({ from: '2026-03-01T10:00:00.000Z', until: '2026-03-01T10:01:00.000Z' });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('holds a bounded number of networks and routes in memory, counting the rest under OTHER', async () => {
    const { store, appended } = recordingStore();
    const tally = new NetworkRefusalTally(store);
    const now = Date.parse('2026-03-01T10:00:30Z');
    const total = MAX_SOURCE_NETWORKS + 500;
    for (let i = 0; i < total; i++) tally.count(`10.${i >> 8}.${i & 255}.7`, `GET /v1/r${i % (MAX_ROUTES + 4)}`, now);
    await tally.close();
    expect(appended.length).toBe(MAX_SOURCE_NETWORKS + 1);
    expect(appended.find((e) => e.data.sourceNetwork === OTHER_NETWORKS)!.data.count).toBe(500);
    expect(appended.reduce((s, e) => s + (e.data.count as number), 0)).toBe(total);

    const one = recordingStore();
    const single = new NetworkRefusalTally(one.store);
    for (let i = 0; i < 100; i++) single.count('192.0.2.1', `GET /v1/r${i}`, now);
    await single.close();
    const routes = one.appended[0]!.data.routes as { route: string; count: number }[];
    expect(routes.length).toBe(MAX_ROUTES + 1);
    expect(routes.find((r) => r.route === ROUTES_OTHER)!.count).toBe(100 - MAX_ROUTES);
  });

  it("writes a minute's counts when the next minute begins", async () => {
    const { store, appended } = recordingStore();
    const tally = new NetworkRefusalTally(store);
    const minute = Date.parse('2026-03-01T10:00:00Z');
    tally.count('192.0.2.1', 'GET /v1/agreements', minute + 5_000);
    tally.count('192.0.2.1', 'GET /v1/agreements', minute + 59_000);
    tally.count('192.0.2.1', 'GET /v1/agreements', minute + 61_000);
    await tally.flush();
    expect(appended.map((e) => [e.data.from, e.data.count])).toEqual([
      ['2026-03-01T10:00:00.000Z', 2],
      ['2026-03-01T10:01:00.000Z', 1],
    ]);
    await tally.close();
  });
});
