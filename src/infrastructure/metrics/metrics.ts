import type { Logger } from 'pino';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Infrastructure } from '../infrastructure';
import type { RegistryCall } from '../registry/registry-client';

export const REGISTRY_OUTCOMES = ['FOUND', 'DECEASED', 'NOT_FOUND', 'REFUSED', 'TIMEOUT', 'UNAVAILABLE', 'BREAKER_OPEN'] as const;
export type RegistryOutcome = (typeof REGISTRY_OUTCOMES)[number];

const BREAKER_STATES = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * The gateway's Prometheus metrics: one prom-client Registry per application instance (never the global
 * default registry), so several instances in one process (the e2e suites) keep their own figures.
 * Here the figures every module shares (HTTP, registry calls, projection lag, the process); a module
 * registers its own on `registry` and its scrape-time reads with `readAtScrape` (access.metrics.ts).
 * Labels are bounded sets the application defines (route templates, outcomes, reasons, projection
 * names): never a path, a NIK, a name or an operator id. Counters start at zero with each process.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly registryCalls = new Counter({
    name: 'registry_calls_total',
    help: 'Calls to the population registry (CALL_NIK), by outcome; BREAKER_OPEN was answered without a call',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly registryDuration = new Histogram({
    name: 'registry_call_duration_seconds',
    help: 'Time a registry call took, retries included, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly breakerState = new Gauge({
    name: 'registry_breaker_state',
    help: "The registry client's circuit breaker: 0 closed, 1 half-open, 2 open (answering 503 without calling)",
    registers: [this.registry],
  });
  private readonly lagEvents = new Gauge({
    name: 'projection_lag_events',
    help: 'Events in the store after the projection checkpoint (read at scrape time)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  private readonly lagSeconds = new Gauge({
    name: 'projection_lag_seconds',
    help: 'Age of the oldest event the projection has not handled yet; 0 when caught up (read at scrape time)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  private readonly checkpointRefused = new Gauge({
    name: 'projection_checkpoint_refused',
    help: '1 while the runner refuses to continue a projection: its checkpoint is not in this event store (restored backup, new store); rebuild it',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  // With the heap bounded (npm start: --max-old-space-size), running into the limit stops the process: alert first.
  private readonly heapLimit = new Gauge({
    name: 'nodejs_heap_size_limit_bytes',
    help: "V8's heap limit, set by --max-old-space-size; a process whose live heap reaches it stops",
    registers: [this.registry],
  });

  private breaker: () => keyof typeof BREAKER_STATES = () => 'CLOSED';
  private readonly scrapeParts: { name: string; gauges: readonly Gauge<string>[]; read: () => Promise<void> }[] = [];

  constructor(
    private readonly infra: Infrastructure,
    private readonly logger?: Logger,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // Bounded label sets start at zero, so rate() and increase() see the first one.
    for (const outcome of REGISTRY_OUTCOMES) {
      this.registryCalls.inc({ outcome }, 0);
      this.registryDuration.zero({ outcome });
    }
    this.heapLimit.set(getHeapStatistics().heap_size_limit); // fixed when the process starts
    this.readAtScrape('projection lag', [this.lagEvents, this.lagSeconds, this.checkpointRefused], () => this.projectionLag());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text, with the scrape-time figures read just before. */
  async render(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  /** An answer sent, by its route template ("/v1/balikan/:id", or "unmatched": never the path); see http-app.ts. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method: METHODS.has(method) ? method : 'OTHER', route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** The registry client's observer: every callNik answer, by outcome. */
  registryCall(call: RegistryCall): void {
    const outcome: RegistryOutcome = call.outcome === 'UNAVAILABLE' && call.breakerOpen ? 'BREAKER_OPEN' : call.outcome;
    this.registryCalls.inc({ outcome });
    this.registryDuration.observe({ outcome }, call.latencyMs / 1000);
  }

  /** Where the breaker state is read at scrape time. */
  watchBreaker(state: () => keyof typeof BREAKER_STATES): void {
    this.breaker = state;
  }

  /**
   * A figure a module reads at scrape time (from the store or its read models) into its own gauges; when
   * the read fails, those gauges are left out of that scrape and the failure is logged by `name`.
   */
  readAtScrape(name: string, gauges: readonly Gauge<string>[], read: () => Promise<void>): void {
    this.scrapeParts.push({ name, gauges, read });
  }

  /** Figures read from the store and the database at scrape time; a part that fails is left out (and logged). */
  private async refresh(): Promise<void> {
    this.breakerState.set(BREAKER_STATES[this.breaker()]);
    await Promise.all(this.scrapeParts.map(({ name, gauges, read }) => this.part(name, gauges, read)));
  }

  private async part(name: string, gauges: readonly Gauge<string>[], read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (error) {
      for (const gauge of gauges) gauge.reset();
      this.logger?.warn({ part: name, err: (error as Error).name }, 'metrics: could not read a scrape-time figure');
    }
  }

  private async projectionLag(): Promise<void> {
    const now = Date.now();
    for (const { name } of this.infra.projections) {
      const status = await this.infra.runner.status(name);
      this.checkpointRefused.set({ projection: name }, status.refused ? 1 : 0);
      const behind = await this.infra.eventStore.countEvents(status.position);
      if (behind === undefined) this.lagEvents.remove({ projection: name });
      else this.lagEvents.set({ projection: name }, Number(behind));
      const [oldest] = await this.infra.eventStore.readAll({ after: status.position, maxCount: 1 });
      this.lagSeconds.set({ projection: name }, oldest ? Math.max(0, (now - oldest.occurredAt.getTime()) / 1000) : 0);
    }
  }
}
