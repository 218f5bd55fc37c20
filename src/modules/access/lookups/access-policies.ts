import type { DenialReason } from '../denials/access-denied.events';
import type { AccessContext } from './access-context';

/** A policy lets the access through... */
export interface Allowance {
  readonly allowed: true;
}
/** ...or says no, with the denial reason the refusal and its AccessDenied event carry. */
export interface Rejection {
  readonly allowed: false;
  readonly reason: Extract<DenialReason, 'AGREEMENT_NOT_ACTIVE' | 'FACILITY_NOT_REGISTERED' | 'CARD_READER_NOT_REGISTERED' | 'CARD_READER_RETIRED'>;
  readonly message: string;
}

/** One rule of the agreement about who may access, where and how: pure, on the context read once. */
export interface AccessPolicy {
  readonly name: string;
  (context: AccessContext): Allowance | Rejection;
}

export const ALLOWANCE: Allowance = Object.freeze({ allowed: true });
const rejection = (reason: Rejection['reason'], message: string): Rejection => ({ allowed: false, reason, message });
const policy = (name: string, check: (context: AccessContext) => Allowance | Rejection): AccessPolicy =>
  Object.defineProperty(check, 'name', { value: name }) as AccessPolicy;

export const agreementInForcePolicy = policy('agreement in force (Pasal 5-7, 10)', ({ agreement: { status } }) =>
  status === 'ACTIVE' ? ALLOWANCE : rejection('AGREEMENT_NOT_ACTIVE', `No agreement is in force (${status}); access is refused until one is.`),
);

export const registeredPuskesmasPolicy = policy('Puskesmas registered', ({ facility }) => {
  if (!facility) return rejection('FACILITY_NOT_REGISTERED', 'Your account is not bound to a registered Puskesmas.');
  return facility.facilityId ? ALLOWANCE : rejection('FACILITY_NOT_REGISTERED', 'Your Puskesmas is not registered.');
});

export const cardReaderPolicy = policy('card reader registered to this Puskesmas and in service (Pasal 1(8), 3(2)(f))', ({ reader, operator }) => {
  if (!reader) return ALLOWANCE; // a NIK lookup uses no reader
  if (!reader.readerId || reader.facilityId !== operator.facilityId)
    return rejection('CARD_READER_NOT_REGISTERED', 'This card reader is not registered to your Puskesmas.');
  return reader.retired ? rejection('CARD_READER_RETIRED', 'This card reader is retired.') : ALLOWANCE;
});

/**
 * The access rules of the agreement, as ONE list, checked in order for every lookup and card read; the
 * first rejection wins. The closed network (Pasal 3(1)(b)) and an active operator account come before
 * this list (network check, access guard); the hourly quota after it, as its own step, because it
 * counts the request.
 */
export const ACCESS_POLICIES: readonly AccessPolicy[] = [agreementInForcePolicy, registeredPuskesmasPolicy, cardReaderPolicy];

export function firstRejection(policies: readonly AccessPolicy[], context: AccessContext): Rejection | null {
  for (const check of policies) {
    const verdict = check(context);
    if (!verdict.allowed) return verdict;
  }
  return null;
}
