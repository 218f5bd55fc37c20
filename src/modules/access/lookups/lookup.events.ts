import { Closed, Int, OneOf, Optional, Uuid, defineEvent } from '../../../infrastructure/event-store/typed-events';

export const ACCESS_OUTCOMES = [
  'FOUND',
  'DECEASED',
  'NOT_FOUND',
  'REGISTRY_REFUSED',
  'REGISTRY_TIMEOUT',
  'REGISTRY_UNAVAILABLE',
  'FINGERPRINT_NOT_MATCHED',
  'FINGERPRINT_NOT_PERFORMED',
] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];
export const FINGERPRINT = ['MATCHED', 'NOT_MATCHED', 'NOT_PERFORMED'] as const;
export const REGISTRY_REFUSALS = [
  'LOGIN_FAILED',
  'IP_NOT_MATCHED',
  'IP_NOT_REGISTERED',
  'DAILY_QUOTA_EXHAUSTED',
  'ACCESS_TIME',
  'INSTANCE_INACTIVE',
  'USER_INACTIVE',
  'UNRECOGNISED',
] as const;

/** What every access records, whichever channel. */
const access = () => ({
  accessId: Uuid(),
  facilityId: Uuid(),
  operatorId: Uuid(),
  outcome: OneOf(ACCESS_OUTCOMES),
  registryLatencyMs: Optional(Int(0, 600_000)),
  holderOrigin: OneOf(['IN_REGENCY', 'OUT_OF_REGENCY']),
  registryRefusal: Optional(OneOf(REGISTRY_REFUSALS)),
});

/**
 * One access to population data (Pasal 3(2)(c)): who (opaque operator id), for which Puskesmas, through
 * which channel, with what outcome. Never the NIK, never anything the registry answered: the holder's
 * origin is kept only as IN_REGENCY / OUT_OF_REGENCY.
 */
export const NikLookupPerformed = defineEvent('NikLookupPerformed', Closed(access()), { version: 1 });

export const CardReadRecorded = defineEvent('CardReadRecorded', Closed({ ...access(), readerId: Uuid(), fingerprint: OneOf(FINGERPRINT) }), { version: 1 });

export const lookupEvents = [NikLookupPerformed, CardReadRecorded] as const;

export const accessStream = (accessId: string) => `access-${accessId}`;
