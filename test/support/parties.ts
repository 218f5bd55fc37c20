import type { TestApp } from './app';

/**
 * The two parties in tests: the seeded Disdukcapil auditor (user id `auditor`), and agreement changes that
 * take effect only when one party proposes and the other confirms. Works with the in-process app
 * (`callerOf(t)`) and with a gateway process (`gatewayClient(...)`), both answering `{ status, body }`.
 */
export const AUDITOR_USER_ID = 'auditor';

export type Call = (method: string, path: string, token?: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** The in-process app as a Call. */
export function callerOf(t: TestApp): Call {
  return async (method, path, token, body) => {
    let req = t.http()[method.toLowerCase() as 'get' | 'post'](path);
    if (token) req = req.set('authorization', `Bearer ${token}`);
    const res = body === undefined ? await req : await req.send(body as object);
    return { status: res.status, body: res.body };
  };
}

function expectStatus(answer: { status: number; body: any }, status: number, what: string) {
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** One party proposes at `path` (an agreement, an extension, a termination), the other confirms; the agreement as it then is. */
export async function proposeAndConfirm(call: Call, proposer: string, confirmer: string, path: string, body: unknown): Promise<any> {
  const proposed = expectStatus(await call('POST', path, proposer, body), 201, `propose ${path}`);
  const confirmation = `/v1/agreements/${proposed.agreementId}/changes/${proposed.change.changeId}/confirmation`;
  return expectStatus(await call('POST', confirmation, confirmer), 201, `confirm ${path}`);
}

/** Extends the (first listed, i.e. seeded) agreement by an addendum both parties recorded. */
export async function extendFirstAgreement(call: Call, admin: string, auditor: string, addendumNumber: string, validUntil: string): Promise<any> {
  const [agreement] = expectStatus(await call('GET', '/v1/agreements', admin), 200, 'list agreements');
  return proposeAndConfirm(call, admin, auditor, `/v1/agreements/${agreement.agreementId}/extensions`, { addendumNumber, validUntil });
}
