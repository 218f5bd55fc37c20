import { recordAnswer } from './openapi-harness';

const isJsonType = (type: string | undefined) => type !== undefined && /^application\/([^;]*\+)?json\b/i.test(type);

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
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
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
    const contentType = res.headers.get('content-type') ?? undefined;
    recordAnswer({ method, path, status: res.status, contentType, hasBody: bytes.length > 0, body: isJsonType(contentType) ? parsed : undefined });
    onAnswer?.(answer);
    return answer;
  };
}

/** The new password a test chooses when the gateway asks for a change: the given one, marked changed. */
export const changedPassword = (password: string) => `${password}.changed`;

const current = new WeakMap<object, Map<string, string>>();

/**
 * Signs in and returns the token, as a person would: when the gateway answers mustChangePassword (a
 * password an administrator set, or INITIAL_ADMIN_PASSWORD), changes it first to changedPassword(password)
 * and remembers that, so that signing in again with the password the test knows keeps working.
 * `scope` is what the remembered passwords belong to (one database): the client by default.
 */
export async function signIn(
  call: (method: string, path: string, token?: string, body?: unknown) => Promise<{ status: number; body: any }>,
  userId: string,
  password: string,
  scope: object = call,
): Promise<string> {
  const known = current.get(scope) ?? new Map<string, string>();
  current.set(scope, known);
  const key = `${userId}\u0000${password}`;
  const res = await call('POST', '/v1/auth/login', undefined, { userId, password: known.get(key) ?? password });
  if (res.status !== 200) throw new Error(`sign in ${userId}: ${res.status} ${JSON.stringify(res.body)}`);
  const { accessToken, operatorId, mustChangePassword } = res.body as { accessToken: string; operatorId: string; mustChangePassword: boolean };
  if (mustChangePassword) {
    const changed = await call('POST', `/v1/operators/${operatorId}/password`, accessToken, {
      currentPassword: password,
      newPassword: changedPassword(password),
    });
    if (changed.status !== 201) throw new Error(`first password change of ${userId}: ${changed.status} ${JSON.stringify(changed.body)}`);
    known.set(key, changedPassword(password));
  }
  return accessToken;
}
