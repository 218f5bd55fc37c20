/**
 * The one way to say no. Deciders, policies, the guard and controllers throw a Refusal; the error filter
 * answers it as `{statusCode, code, message[, accessId]}` and, before the answer leaves, tells the
 * refusal listener (the access module records every denial of access as an AccessDenied event: see
 * `modules/access/denials`). The message is for people and never carries request values.
 */
export type RefusalStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 502 | 503 | 504;

/** Who was refused, when the refusal is known before the request carries a signed-in caller (guard, sign-in). */
export interface RefusedParty {
  readonly operatorId?: string;
  readonly facilityId?: string | null;
  readonly role?: string;
}

export class Refusal extends Error {
  constructor(
    readonly status: RefusalStatus,
    readonly code: string,
    message: string,
    readonly details: {
      /** The access this refusal belongs to, when one was recorded (a lookup that reached the registry). */
      readonly accessId?: string;
      readonly party?: RefusedParty;
      /** Seconds after which a retry may succeed (429, 503). */
      readonly retryAfter?: number;
      /** REGISTRY_REFUSED: the registry's own reason text, made safe (registryReasonText). */
      readonly registryReason?: string;
    } = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export interface RefusalContext {
  /** The route template ("POST /v1/access/nik-lookups"), never the concrete path. */
  readonly route: string;
  readonly correlationId?: string;
  readonly party?: RefusedParty;
}

/** Told of each refusal answered over HTTP, before the answer leaves; a failure here fails the answer (503). */
export interface RefusalListener {
  refused(refusal: Refusal, context: RefusalContext): Promise<void>;
}
export const REFUSAL_LISTENER = Symbol('REFUSAL_LISTENER');

/** The body every client sees for an error. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  accessId?: string;
  /** REGISTRY_REFUSED only: the registry's own reason text (digits masked, at most 120 characters). */
  registryReason?: string;
}
