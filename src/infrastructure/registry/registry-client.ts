import CircuitBreaker from 'opossum';
import { parseLossless, readCallNikAnswer, type RegistryAnswer } from './registry-answer';

export interface RegistryClientOptions {
  /** e.g. http://172.16.160.x:8080 — the registry inside the closed network, or the simulator. */
  readonly baseUrl: string;
  /** Institution code in the path: /dukcapil/get_json/{INSTANSI}/CALL_NIK. */
  readonly instansi: string;
  /** Credentials Disdukcapil issued (Pasal 3(1)(c)): never logged, never in an error or event. */
  readonly userId: string;
  readonly password: string;
  /** The address the registry expects in IP_USER (the gateway's, as registered with Disdukcapil). */
  readonly ipUser: string;
  readonly timeoutMs?: number;
  /** Extra tries after a transport error (connection refused or reset); timeouts and 5xx are not retried. */
  readonly retries?: number;
  /** Consecutive-ish failures (timeouts, 5xx, transport, malformed) before the breaker opens. */
  readonly breakerVolume?: number;
  /** How long an open breaker answers UNAVAILABLE at once before letting one call through. */
  readonly breakerResetMs?: number;
  /** Told of every answer callNik gives (metrics); never the NIK. A throwing observer is ignored. */
  readonly onCall?: (call: RegistryCall) => void;
}

export type RegistryCall = (RegistryAnswer | { readonly outcome: 'TIMEOUT' } | { readonly outcome: 'UNAVAILABLE'; readonly breakerOpen: boolean }) & {
  readonly latencyMs: number;
};

class RegistryFailure extends Error {
  constructor(readonly kind: 'TIMEOUT' | 'UNAVAILABLE') {
    super(kind === 'TIMEOUT' ? 'registry timed out' : 'registry unavailable');
  }
}

const TRANSPORT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * The client of Disdukcapil's CALL_NIK web service. Answers of the registry (found, not found, deceased,
 * refused) are results; timeouts, 5xx, transport errors and unreadable answers are failures that feed a
 * circuit breaker (opossum): after repeated failures it answers UNAVAILABLE at once for a while, then
 * lets one call through to see whether the registry is back.
 */
export class RegistryClient {
  private readonly breaker: CircuitBreaker<[string], RegistryAnswer>;
  private readonly url: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/dukcapil/get_json/${encodeURIComponent(options.instansi)}/CALL_NIK`;
    this.breaker = new CircuitBreaker((nik: string) => this.callWithRetries(nik), {
      timeout: false, // our own per-request timeout, so a slow answer is a TIMEOUT, not an open breaker by itself
      errorThresholdPercentage: 50,
      volumeThreshold: options.breakerVolume ?? 5,
      resetTimeout: options.breakerResetMs ?? 15_000,
      rollingCountTimeout: 30_000,
    });
  }

  get breakerState(): 'CLOSED' | 'OPEN' | 'HALF_OPEN' {
    return this.breaker.opened ? 'OPEN' : this.breaker.halfOpen ? 'HALF_OPEN' : 'CLOSED';
  }

  async callNik(nik: string): Promise<RegistryCall> {
    const call = await this.call(nik);
    try {
      this.options.onCall?.(call);
    } catch {
      // an observer never changes the answer
    }
    return call;
  }

  private async call(nik: string): Promise<RegistryCall> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const answer = await this.breaker.fire(nik);
      return { ...answer, latencyMs: latencyMs() };
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') return { outcome: 'UNAVAILABLE', breakerOpen: true, latencyMs: latencyMs() };
      if (error instanceof RegistryFailure && error.kind === 'TIMEOUT') return { outcome: 'TIMEOUT', latencyMs: latencyMs() };
      return { outcome: 'UNAVAILABLE', breakerOpen: false, latencyMs: latencyMs() };
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private async callWithRetries(nik: string): Promise<RegistryAnswer> {
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce(nik);
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (!(error instanceof RegistryFailure) && code && TRANSPORT.has(code) && attempt < retries) {
          await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          continue;
        }
        if (error instanceof RegistryFailure) throw error;
        if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT') {
          throw new RegistryFailure('TIMEOUT');
        }
        throw new RegistryFailure('UNAVAILABLE'); // transport, unreadable: never the request, never the credentials
      }
    }
  }

  private async callOnce(nik: string): Promise<RegistryAnswer> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ NIK: nik, user_id: this.options.userId, password: this.options.password, IP_USER: this.options.ipUser }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      // Never follow a redirect: it would carry the credentials and the NIK to wherever it points.
      redirect: 'error',
    });
    const text = await response.text();
    if (response.status >= 500) throw new RegistryFailure('UNAVAILABLE');
    // A 4xx is the registry refusing us (wrong INSTANSI, address blocked): an answer, not an outage.
    if (response.status !== 200) return { outcome: 'REFUSED', reason: 'UNRECOGNISED' };
    try {
      return readCallNikAnswer(parseLossless(text));
    } catch {
      throw new RegistryFailure('UNAVAILABLE'); // unreadable (not JSON, no content): a failure of the service
    }
  }
}
