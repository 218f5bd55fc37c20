import type { DataSource } from 'typeorm';
import { loadState } from '../../../infrastructure/event-store/command-handling';
import type { EventStore } from '../../../infrastructure/event-store/event-store.port';
import type { Caller } from '../../../infrastructure/security/access-rule';
import type { AgreementInForce } from '../agreements/agreement-in-force';
import type { DenialReason } from '../denials/access-denied';
import { cardReaderDecider, facilityDecider, facilityStream, readerStream } from '../facilities/facility';

export interface AccessRequest {
  readonly caller: Caller;
  readonly now: Date;
  /** Card reads only. */
  readonly readerId?: string;
  /** The agreement in force, read once per request: its status decides here, its granted fields shape the answer. */
  readonly agreement: AgreementInForce;
}

export type PolicyVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: DenialReason; readonly status: 403 | 429; readonly code: string; readonly message: string };

export interface AccessPolicy {
  readonly name: string;
  check(request: AccessRequest): Promise<PolicyVerdict>;
}

const allow: PolicyVerdict = { allowed: true };
const refuse = (reason: DenialReason, message: string, status: 403 | 429 = 403): PolicyVerdict => ({ allowed: false, reason, status, code: reason, message });

/**
 * The access rules of the agreement, as ONE list, checked in order for every lookup and card read; the
 * first refusal wins and is recorded as AccessDenied. The closed network (Pasal 3(1)(b)) and an active
 * operator account come before this list, in the network middleware and the access guard.
 */
export function accessPolicies(deps: { store: EventStore; db: DataSource; lookupsPerHour: number }): AccessPolicy[] {
  return [
    {
      name: 'agreement in force (Pasal 5-7, 10)',
      async check({ agreement: { status } }) {
        return status === 'ACTIVE' ? allow : refuse('AGREEMENT_NOT_ACTIVE', `No agreement is in force (${status}); access is refused until one is.`);
      },
    },
    {
      name: 'Puskesmas registered',
      async check({ caller }) {
        if (!caller.facilityId) return refuse('FACILITY_NOT_REGISTERED', 'Your account is not bound to a registered Puskesmas.');
        const { state } = await loadState(deps.store, facilityStream(caller.facilityId), facilityDecider);
        return state.facilityId ? allow : refuse('FACILITY_NOT_REGISTERED', 'Your Puskesmas is not registered.');
      },
    },
    {
      name: 'card reader registered to this Puskesmas and in service (Pasal 1(8), 3(2)(f))',
      async check({ caller, readerId }) {
        if (!readerId) return allow;
        const { state } = await loadState(deps.store, readerStream(readerId), cardReaderDecider);
        if (!state.readerId || state.facilityId !== caller.facilityId) return refuse('CARD_READER_NOT_REGISTERED', 'This card reader is not registered to your Puskesmas.');
        return state.retired ? refuse('CARD_READER_RETIRED', 'This card reader is retired.') : allow;
      },
    },
    {
      name: 'rate limit per operator (against bulk harvesting)',
      async check({ caller, now }) {
        const window = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
        const [row]: { used: number }[] = await deps.db.query(
          `INSERT INTO rate_limit_counters (operator_id, window_start, used) VALUES ($1, $2, 1)
           ON CONFLICT (operator_id, window_start) DO UPDATE SET used = rate_limit_counters.used + 1 RETURNING used`,
          [caller.operatorId, window],
        );
        return row!.used <= deps.lookupsPerHour ? allow : refuse('RATE_LIMITED', `At most ${deps.lookupsPerHour} lookups an hour per operator.`, 429);
      },
    },
  ];
}
