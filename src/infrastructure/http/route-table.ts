import type { FastifyInstance } from 'fastify';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

interface Registered {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
}

/**
 * The routes the application registered (Fastify's onRoute), to name a request by the template it reached
 * or would reach ("POST /v1/operators/:id/suspension"), never by its path: only text the application
 * itself defined reaches an event or a metric label. A wildcard route (the API explorer's static files)
 * names no request: such requests are "unmatched", as they were when a static middleware served them.
 */
export class RouteTable {
  private readonly routes: Registered[] = [];

  constructor(fastify: FastifyInstance) {
    fastify.addHook('onRoute', ({ method, url }) => {
      for (const verb of [method].flat()) this.routes.push({ method: verb, template: url, pattern: patternOf(url) });
    });
  }

  /** "GET /v1/agreements", … every route registered, but the HEAD twin Fastify gives each GET route. */
  list(): string[] {
    const gets = new Set(this.routes.filter((r) => r.method === 'GET').map((r) => r.template));
    return this.routes.filter((r) => !(r.method === 'HEAD' && gets.has(r.template))).map((r) => `${r.method} ${r.template}`);
  }

  /**
   * The template of the route whose pattern the raw path fits, for a request the router could not route
   * (a path it cannot decode, "/v1/agreements/%E0%A4%A"): matched as Express matched it, case-insensitively
   * and with or without a trailing slash, the parameters left undecoded.
   */
  templateFor(method: string, path: string): string | undefined {
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    return route && applicationTemplate(route.template);
  }
}

/** A route's template as the application defined it ("/v1/balikan/:id"), or undefined for a wildcard or none. */
export function applicationTemplate(url: string | undefined): string | undefined {
  if (url === undefined || url.includes('*')) return undefined;
  return url.replace(/\/+$/, '') || '/';
}

/** "GET /v1/balikan/:id", or "GET /_unmatched": the name a refusal of the network check is counted under. */
export function routeName(method: string, template: string | undefined): string {
  return `${METHODS.has(method) ? method : 'OTHER'} ${template ?? '/_unmatched'}`;
}

function patternOf(template: string): RegExp {
  const escaped = template
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`, 'i');
}
