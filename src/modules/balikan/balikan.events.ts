import { Closed, Int, List, OneOf, Uuid, defineEvent } from '../../infrastructure/event-store/typed-events';

/** What a balikan may carry (Pasal 3(2)(b)); the values themselves never enter an event. */
export const BALIKAN_KINDS = ['MEDICAL_RECORD_NUMBER', 'BLOOD_TYPE', 'DEATH_CERTIFICATE_NUMBER'] as const;
export type BalikanKind = (typeof BALIKAN_KINDS)[number];
export const DELIVERY_FAILURES = ['UNAVAILABLE', 'TIMEOUT', 'REJECTED', 'MALFORMED_ANSWER', 'UNREADABLE'] as const;

const Attempts = () => Int(0, 100_000);

export const BalikanSubmitted = defineEvent(
  'BalikanSubmitted',
  Closed({
    balikanId: Uuid(),
    accessId: Uuid(),
    facilityId: Uuid(),
    operatorId: Uuid(),
    kinds: List(OneOf(BALIKAN_KINDS), { maxItems: 3, uniqueItems: true }),
  }),
  { version: 1 },
);
export const BalikanDelivered = defineEvent('BalikanDelivered', Closed({ balikanId: Uuid(), accessId: Uuid(), attempts: Attempts() }), { version: 1 });
export const BalikanDeliveryFailed = defineEvent(
  'BalikanDeliveryFailed',
  Closed({ balikanId: Uuid(), accessId: Uuid(), attempt: Attempts(), reason: OneOf(DELIVERY_FAILURES) }),
  {
    version: 1,
  },
);
export const BalikanAbandoned = defineEvent('BalikanAbandoned', Closed({ balikanId: Uuid(), accessId: Uuid(), attempts: Attempts() }), { version: 1 });

/**
 * An operator's Idempotency-Key was first used, for this balikan of this access (stream `balikankey-{keyId}`,
 * keyId named from the operator and the key: see idempotencyKeyStream). The key is a random UUID the app
 * made, not personal; the balikan's values are never in it, nor hashed into it.
 */
export const BalikanKeyClaimed = defineEvent('BalikanKeyClaimed', Closed({ operatorId: Uuid(), accessId: Uuid(), balikanId: Uuid() }), { version: 1 });

/** The events of a balikan, on its access's stream. */
export const balikanEvents = [BalikanSubmitted, BalikanDelivered, BalikanDeliveryFailed, BalikanAbandoned] as const;
/** The events of an Idempotency-Key, on the key's own stream. */
export const balikanKeyEvents = [BalikanKeyClaimed] as const;
