import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

// A reset on a kept-alive socket the registry closed between two calls is ECONNRESET or EPIPE: retried like any broken connection.
const TRANSPORT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);
/** An answer is nine fields: anything near this size is not one, and is not buffered further. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Idle kept-alive sockets are closed by us first, before a common server timeout (5 s) can close one under a call. */
const IDLE_SOCKET_MS = 4_000;
const MAX_SOCKETS = 64;

/**
 * The client of Disdukcapil's CALL_NIK web service. Answers of the registry (found, not found, deceased,
 * refused) are results; timeouts, 5xx, transport errors and unreadable answers are failures that feed a
 * circuit breaker (opossum): after repeated failures it answers UNAVAILABLE at once for a while, then
 * lets one call through to see whether the registry is back.
 */
export class RegistryClient {
  private readonly breaker: CircuitBreaker<[string], RegistryAnswer>;
  private readonly url: URL;
  /** One pool of kept-alive connections per client: `fetch` (undici) cost ~2.5x the CPU per call on the lookup path. */
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(private readonly options: RegistryClientOptions) {
    this.url = new URL(`${options.baseUrl.replace(/\/+$/, '')}/dukcapil/get_json/${encodeURIComponent(options.instansi)}/CALL_NIK`);
    const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_SOCKET_MS };
    if (this.url.protocol === 'https:') {
      this.agent = new HttpsAgent(agentOptions);
      this.send = httpsRequest;
    } else {
      this.agent = new HttpAgent(agentOptions);
      this.send = httpRequest;
    }
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
    this.agent.destroy();
  }

  private async callWithRetries(nik: string): Promise<RegistryAnswer> {
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce(nik);
      } catch (error) {
        if (error instanceof RegistryFailure) throw error; // timeouts, 5xx, redirects, unreadable: never retried
        const code = (error as { code?: string }).code;
        if (code && TRANSPORT.has(code) && attempt < retries) {
          await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          continue;
        }
        throw new RegistryFailure('UNAVAILABLE'); // transport: never the request, never the credentials
      }
    }
  }

  /** One POST; the timeout covers all of it (connecting, the answer, its body). */
  private callOnce(nik: string): Promise<RegistryAnswer> {
    const body = JSON.stringify({ NIK: nik, user_id: this.options.userId, password: this.options.password, IP_USER: this.options.ipUser });
    return new Promise<RegistryAnswer>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => RegistryAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error as Error);
        }
      };
      const fail = (error: Error) =>
        settle(() => {
          throw error;
        });

      const request = this.send(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (answer) => {
          if (Number(answer.headers['content-length']) > MAX_ANSWER_BYTES) return tooLarge();
          const chunks: Buffer[] = [];
          let size = 0;
          answer.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) return tooLarge();
            chunks.push(chunk);
          });
          answer.on('end', () => settle(() => read(answer.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
          // Cut off mid-answer: a broken connection, retried as one.
          answer.on('error', () => fail(Object.assign(new Error('registry connection broken'), { code: 'ECONNRESET' })));
          answer.on('close', () => {
            if (!answer.complete) fail(Object.assign(new Error('registry connection broken'), { code: 'ECONNRESET' }));
          });
        },
      );
      const tooLarge = () => {
        request.destroy();
        fail(new RegistryFailure('UNAVAILABLE'));
      };
      const timer = setTimeout(() => {
        request.destroy();
        fail(new RegistryFailure('TIMEOUT'));
      }, this.options.timeoutMs ?? 5000);
      // Node's own transport error (code on the error itself); its message names only the address, and is not passed on.
      request.on('error', fail);
      request.end(body);
    });
  }
}

/** The registry's answer by status. Never a redirect: it would carry the credentials and the NIK to wherever it points. */
function read(status: number, text: string): RegistryAnswer {
  if (status >= 500 || (status >= 300 && status < 400)) throw new RegistryFailure('UNAVAILABLE');
  // A 4xx is the registry refusing us (wrong INSTANSI, address blocked): an answer, not an outage.
  if (status !== 200) return { outcome: 'REFUSED', reason: 'UNRECOGNISED', text: `HTTP ${status}` }; // its body is not passed on
  try {
    return readCallNikAnswer(parseLossless(text));
  } catch {
    throw new RegistryFailure('UNAVAILABLE'); // unreadable (not JSON, no content): a failure of the service
  }
}
