/** An answer as a client of the gateway sees it; `body` is the parsed JSON, or {} when it is not JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  body: Record<string, any>;
}

export interface CallOptions {
  /** Sent as the body exactly as given (malformed JSON, say), instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
}

export type GatewayCall = (method: string, path: string, token?: string, body?: unknown, options?: CallOptions) => Promise<Answer>;

/**
 * A client of a gateway running as its own process, over a real socket (fetch), as a Puskesmas app calls
 * it: JSON bodies and an optional bearer token. `baseUrl` may be read at each call (a service started
 * later, or restarted on another port); `onAnswer` sees every answer (a test that searches them).
 */
export function gatewayClient(baseUrl: string | (() => string), onAnswer?: (answer: Answer) => void): GatewayCall {
  return async (method, path, token, body, options = {}) => {
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await fetch(`${typeof baseUrl === 'string' ? baseUrl : baseUrl()}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: payload,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed: Record<string, any> = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: a PDF, the API explorer's page
    }
    const answer = { status: res.status, headers: res.headers, text, bytes, body: parsed };
    onAnswer?.(answer);
    return answer;
  };
}
