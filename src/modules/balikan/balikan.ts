import { createHash } from 'node:crypto';
import { type Decider } from '../../infrastructure/event-store/command-handling';
import { Refusal } from '../../infrastructure/refusal';
import type { NewEvent, RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import type { Caller } from '../access/auth/access-rule';
import { eventOf } from '../../infrastructure/event-store/typed-events';
import { lookupEvents } from '../access/lookups/lookup.events';
import { balikanEvents, balikanKeyEvents, type BalikanKind, type DELIVERY_FAILURES } from './balikan.events';

/** What the balikan side folds from an access's stream: the access itself, then its balikan. */
const accessStreamEvents = [...lookupEvents, ...balikanEvents] as const;

export type BalikanStatus = 'QUEUED' | 'FAILED_RETRYING' | 'DELIVERED' | 'ABANDONED';

export interface BalikanState {
  readonly status: BalikanStatus;
  readonly attempts: number;
  readonly kinds: readonly BalikanKind[];
  readonly facilityId: string;
}

/** An access (lookup or card read) as the balikan side needs it: where, with what outcome, and its balikan. */
export interface Access {
  readonly accessId: string | null;
  readonly facilityId: string;
  readonly outcome: string;
  readonly balikan: ReadonlyMap<string, BalikanState>;
}

export type BalikanCommand =
  | {
      kind: 'submit';
      balikanId: string;
      caller: Caller;
      kinds: readonly BalikanKind[];
      /** Whether an agreement is in force now (Pasal 5-7, 10): checked by the caller, decided here. */
      agreementInForce: boolean;
      /** Whether the NIK and the verification token match this access (recomputed by the caller; never stored). */
      nikMatchesAccess: boolean;
    }
  | { kind: 'delivered'; balikanId: string; attempts: number }
  | { kind: 'failed'; balikanId: string; attempt: number; reason: (typeof DELIVERY_FAILURES)[number] }
  | { kind: 'abandon'; balikanId: string; attempts: number };

const FINDS = new Set(['FOUND', 'DECEASED']);

/** The same fields given, in any order. */
const sameKinds = (a: readonly BalikanKind[], b: readonly BalikanKind[]): boolean => a.length === b.length && a.every((k) => b.includes(k));

/** The balikan of one access live on its stream (`access-{accessId}`): the expected revision there is what keeps a delivery from being recorded twice. */
export const balikanDecider: Decider<Access, BalikanCommand> = {
  initialState: { accessId: null, facilityId: '', outcome: '', balikan: new Map() },

  evolve(state: Access, recorded: RecordedEvent): Access {
    const event = eventOf(accessStreamEvents, recorded);
    const update = (id: string, change: Partial<BalikanState>) => {
      const balikan = new Map(state.balikan);
      balikan.set(id, { ...balikan.get(id)!, ...change });
      return { ...state, balikan };
    };
    switch (event?.type) {
      case 'NikLookupPerformed':
      case 'CardReadRecorded':
        return { ...state, accessId: event.data.accessId, facilityId: event.data.facilityId, outcome: event.data.outcome };
      case 'BalikanSubmitted': {
        const { balikanId, kinds, facilityId } = event.data;
        const balikan = new Map(state.balikan);
        balikan.set(balikanId, { status: 'QUEUED', attempts: 0, kinds, facilityId });
        return { ...state, balikan };
      }
      case 'BalikanDeliveryFailed':
        return update(event.data.balikanId, { status: 'FAILED_RETRYING', attempts: event.data.attempt });
      case 'BalikanDelivered':
        return update(event.data.balikanId, { status: 'DELIVERED', attempts: event.data.attempts });
      case 'BalikanAbandoned':
        return update(event.data.balikanId, { status: 'ABANDONED', attempts: event.data.attempts });
      default:
        return state;
    }
  },

  decide(command: BalikanCommand, state: Access): NewEvent[] {
    if (!state.accessId) throw new Refusal(404, 'ACCESS_NOT_FOUND', 'No access with this id.');
    const accessId = state.accessId;
    if (command.kind === 'submit') {
      const { caller } = command;
      if (caller.role === 'PUSKESMAS_OPERATOR' && caller.facilityId !== state.facilityId) {
        throw new Refusal(403, 'FACILITY_SCOPE', 'This access belongs to another Puskesmas.');
      }
      if (!command.agreementInForce) throw new Refusal(403, 'AGREEMENT_NOT_ACTIVE', 'No agreement is in force; a balikan is refused until one is.');
      if (!FINDS.has(state.outcome)) throw new Refusal(422, 'ACCESS_FOUND_NOBODY', 'A balikan needs an access that found the person.');
      // Same refusal whether the NIK or the token is wrong: it tells nothing about which.
      if (!command.nikMatchesAccess) throw new Refusal(422, 'NIK_DOES_NOT_MATCH_ACCESS', 'This NIK and verification token do not belong to this access.');
      // The same balikanId (one Idempotency-Key on this access) recorded already: nothing new, the same answer,
      // unless the repeat gives other fields. The values themselves are never kept, so they cannot be compared.
      const recorded = state.balikan.get(command.balikanId);
      if (recorded) {
        if (!sameKinds(recorded.kinds, command.kinds)) {
          throw new Refusal(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a balikan with other fields; use a new key.');
        }
        return [];
      }
      return [
        {
          type: 'BalikanSubmitted',
          data: { balikanId: command.balikanId, accessId, facilityId: state.facilityId, operatorId: caller.operatorId, kinds: [...command.kinds] },
        },
      ];
    }
    const balikan = state.balikan.get(command.balikanId);
    if (!balikan) throw new Refusal(404, 'BALIKAN_NOT_FOUND', 'No balikan with this id on this access.');
    // Settled is settled: a re-sent delivery (crash after the acknowledgement) records nothing again.
    if (balikan.status === 'DELIVERED' || balikan.status === 'ABANDONED') return [];
    switch (command.kind) {
      case 'delivered':
        return [{ type: 'BalikanDelivered', data: { balikanId: command.balikanId, accessId, attempts: command.attempts } }];
      case 'failed':
        return [{ type: 'BalikanDeliveryFailed', data: { balikanId: command.balikanId, accessId, attempt: command.attempt, reason: command.reason } }];
      case 'abandon':
        return [{ type: 'BalikanAbandoned', data: { balikanId: command.balikanId, accessId, attempts: command.attempts } }];
    }
  },
};

/** A name-based UUID (v5 layout, SHA-256) of a text. */
function nameUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5 (name-based)
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The balikanId of a submission with an Idempotency-Key: a name-based UUID of the operator, the access and
 * the key. Concurrent submissions with one key name the same balikan, so the decider's "already recorded"
 * makes the append idempotent. (The key's own stream, below, keeps one key to one access.)
 */
export function balikanIdFor(operatorId: string, accessId: string, idempotencyKey: string): string {
  return nameUuid(`nik-gateway:balikan:${operatorId.toLowerCase()}:${accessId.toLowerCase()}:${idempotencyKey.toLowerCase()}`);
}

/**
 * The stream of an operator's Idempotency-Key: a key names one request of one client (scoped per operator,
 * as one operator's app makes its keys), so it holds one BalikanKeyClaimed, naming the one access it is for.
 */
export function idempotencyKeyStream(operatorId: string, idempotencyKey: string): string {
  return `balikankey-${nameUuid(`nik-gateway:balikan-key:${operatorId.toLowerCase()}:${idempotencyKey.toLowerCase()}`)}`;
}

/** The access an Idempotency-Key was first used on (null: not used yet). */
export interface KeyClaim {
  readonly accessId: string | null;
}

export interface ClaimKey {
  readonly operatorId: string;
  readonly accessId: string;
  readonly balikanId: string;
}

/**
 * One key, one request: the first submission with a key claims it for its access; a repeat on that access
 * claims nothing again; the key on another access is refused. Appended with the stream's expected revision,
 * so of two first uses at once on two accesses exactly one is stored and the other, decided again, refused.
 */
export const balikanKeyDecider: Decider<KeyClaim, ClaimKey> = {
  initialState: { accessId: null },

  evolve(state: KeyClaim, recorded: RecordedEvent): KeyClaim {
    const event = eventOf(balikanKeyEvents, recorded);
    // The first claim is the key's; a stream holds only one.
    return event?.type === 'BalikanKeyClaimed' && state.accessId === null ? { accessId: event.data.accessId } : state;
  },

  decide(command: ClaimKey, state: KeyClaim): NewEvent[] {
    if (state.accessId === null) return [{ type: 'BalikanKeyClaimed', data: { ...command } }];
    if (state.accessId === command.accessId) return [];
    throw new Refusal(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a balikan of another access; use a new key for each balikan.');
  },
};
