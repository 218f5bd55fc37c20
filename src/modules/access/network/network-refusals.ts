import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { EventStore } from '../../../infrastructure/event-store/event-store.port';
import { COUNTED_ROUTE, MAX_ROUTES } from './network-refusals.events';

/**
 * Refusals of callers outside the closed network, counted instead of recorded one by one: a client outside
 * could otherwise fill the store (each AccessDenied with its notary rows is about 1 KB; 140 a second from
 * one client). One `NetworkRefusalsCounted` event per source network per interval, with the count.
 *
 * The source network is the caller's /24 (IPv4) or /48 (IPv6): the block an institution or a provider's
 * site is given, which is what a compliance reader needs ("the attempts came from 10.31.4.0/24, a
 * Puskesmas LAN missing from ALLOWED_NETWORKS"). It never holds the full address of a person's device.
 */
export const NETWORK_REFUSALS_INTERVAL_MS = 60_000;
/** Distinct source networks counted per interval; past it, further networks are counted under OTHER. */
export const MAX_SOURCE_NETWORKS = 1024;
export const OTHER_NETWORKS = 'OTHER';
export const UNKNOWN_NETWORK = 'UNKNOWN';
export const ROUTES_OTHER = 'OTHER /_other_routes';

const ROUTE_SHAPE = new RegExp(COUNTED_ROUTE);
/** A route the schema would refuse (one odd route must not lose a whole network's minute of counts). */
const UNSHAPED_ROUTE = (route: string) => `${/^[A-Z]+/.exec(route)?.[0] ?? 'OTHER'} /_unmatched`;

export const networkRefusalStream = (tallyId: string) => `network-refusals-${tallyId}`;

/** The caller's /24 (IPv4, IPv4-mapped IPv6 included) or /48 (IPv6); UNKNOWN when there is no usable address. */
export function sourceNetwork(address: string | undefined): string {
  if (!address) return UNKNOWN_NETWORK;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = (mapped ? mapped[1]! : address).replace(/%.*$/, ''); // zone id of a link-local address
  switch (isIP(plain)) {
    case 4: {
      const [a, b, c] = plain.split('.');
      return `${Number(a)}.${Number(b)}.${Number(c)}.0/24`;
    }
    case 6: {
      const groups = expandIpv6(plain);
      return `${groups
        .slice(0, 3)
        .map((g) => g.toString(16))
        .join(':')}::/48`;
    }
    default:
      return UNKNOWN_NETWORK;
  }
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 counts as two). */
function expandIpv6(address: string): number[] {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  let text = address;
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${address.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const middle = rest === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16));
}

interface Tally {
  count: number;
  routes: Map<string, number>;
}

/**
 * Counts refusals in memory, per interval and source network, and writes them as events when the interval
 * ends (a timer) or the process stops (`close`). Bounded: at most MAX_SOURCE_NETWORKS keys and MAX_ROUTES
 * routes each. A crash loses at most the current interval's counts (the metrics still saw them).
 */
export class NetworkRefusalTally {
  private windowStart: number | undefined;
  private readonly tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: EventStore,
    private readonly options: { intervalMs?: number; onWriteError?: (error: unknown) => void } = {},
  ) {}

  private get intervalMs(): number {
    return this.options.intervalMs ?? NETWORK_REFUSALS_INTERVAL_MS;
  }

  count(address: string | undefined, route: string, now = Date.now()): void {
    if (!ROUTE_SHAPE.test(route)) route = ROUTE_SHAPE.test(UNSHAPED_ROUTE(route)) ? UNSHAPED_ROUTE(route) : 'OTHER /_unmatched';
    const start = Math.floor(now / this.intervalMs) * this.intervalMs;
    if (this.windowStart !== undefined && start !== this.windowStart) void this.flush();
    if (this.windowStart === undefined) {
      this.windowStart = start;
      if (!this.closed) {
        this.timer = setTimeout(() => void this.flush(), start + this.intervalMs - now + 10);
        this.timer.unref();
      }
    }
    let network = sourceNetwork(address);
    if (!this.tallies.has(network) && this.tallies.size >= MAX_SOURCE_NETWORKS) network = OTHER_NETWORKS;
    const tally = this.tallies.get(network) ?? { count: 0, routes: new Map<string, number>() };
    this.tallies.set(network, tally);
    tally.count++;
    const key = tally.routes.has(route) || tally.routes.size < MAX_ROUTES ? route : ROUTES_OTHER;
    tally.routes.set(key, (tally.routes.get(key) ?? 0) + 1);
    if (this.closed) void this.flush(); // a refusal while shutting down is written at once
  }

  /** Writes the counts gathered so far (the interval's end, or shutdown), one event per source network. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const start = this.windowStart;
    const tallies = [...this.tallies];
    this.windowStart = undefined;
    this.tallies.clear();
    if (start === undefined || tallies.length === 0) return this.writing;
    const from = new Date(start).toISOString();
    const until = new Date(start + this.intervalMs).toISOString();
    this.writing = this.writing.then(async () => {
      for (const [network, tally] of tallies) {
        const tallyId = randomUUID();
        const data = {
          tallyId,
          sourceNetwork: network,
          from,
          until,
          count: tally.count,
          routes: [...tally.routes].map(([route, count]) => ({ route, count })),
        };
        try {
          await this.store.appendToStream(networkRefusalStream(tallyId), [{ type: 'NetworkRefusalsCounted', data }], { expectedRevision: 'no_stream' });
        } catch (error) {
          this.options.onWriteError?.(error);
        }
      }
    });
    return this.writing;
  }

  /** Writes what is counted; later refusals are written as they come. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
