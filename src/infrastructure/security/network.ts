import { BlockList, isIP } from 'node:net';

/** The closed network (Pasal 3(1)(b)): the address ranges requests may come from. */
export class NetworkAllowList {
  private readonly list = new BlockList();

  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address, prefix] = cidr.split('/');
      const family = isIP(address ?? '');
      if (!family) throw new Error(`"${cidr}" is not an IPv4 or IPv6 CIDR`);
      if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) throw new Error(`"${cidr}" has an invalid prefix length`); // "10.0.0.0/" is not /0
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`"${cidr}" has an invalid prefix length`);
      this.list.addSubnet(address!, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  allows(address: string | undefined): boolean {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address); // IPv4 seen through an IPv6 socket
    const plain = mapped ? mapped[1]! : address;
    const family = isIP(plain);
    if (!family) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * The registered route a request would reach, as its template ("POST /v1/operators/:id/suspension"), or
 * "/_unmatched": only text the application itself defined ever reaches an event, never the caller's path.
 */
export function routeOf(expressApp: unknown, method: string, path: string): string {
  const verb = METHODS.has(method) ? method : 'OTHER';
  const app = expressApp as { router?: { stack: RouteLayer[] }; _router?: { stack: RouteLayer[] } };
  for (const layer of (app.router ?? app._router)?.stack ?? []) {
    if (!layer.route || !(layer.route.methods[method.toLowerCase()] || layer.route.methods._all)) continue;
    if (matches(layer, path)) return `${verb} ${layer.route.path}`;
  }
  return `${verb} /_unmatched`;
}

/**
 * Whether a route's pattern matches the path. Parameters are percent-decoded only once the pattern has
 * matched, so one that cannot be decoded ("/v1/agreements/%E0%A4%A") throws URIError on a path that did
 * match: Express answers it 400 from that route, and so it is named by that route.
 */
function matches(layer: RouteLayer, path: string): boolean {
  try {
    return Boolean(layer.match(path));
  } catch {
    return true;
  }
}
