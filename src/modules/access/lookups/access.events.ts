import type { EventDefinition } from '../../../infrastructure/event-store/event-schemas';

export const ACCESS_OUTCOMES = ['FOUND', 'DECEASED', 'NOT_FOUND', 'REGISTRY_REFUSED', 'REGISTRY_TIMEOUT', 'REGISTRY_UNAVAILABLE', 'FINGERPRINT_NOT_MATCHED', 'FINGERPRINT_NOT_PERFORMED'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];
export const FINGERPRINT = ['MATCHED', 'NOT_MATCHED', 'NOT_PERFORMED'] as const;
export const REGISTRY_REFUSALS = ['LOGIN_FAILED', 'IP_NOT_MATCHED', 'IP_NOT_REGISTERED', 'DAILY_QUOTA_EXHAUSTED', 'ACCESS_TIME', 'INSTANCE_INACTIVE', 'USER_INACTIVE', 'UNRECOGNISED'] as const;

const uuid = { type: 'string', format: 'uuid' } as const;
const common = {
  accessId: uuid,
  facilityId: uuid,
  operatorId: uuid,
  outcome: { type: 'string', enum: ACCESS_OUTCOMES },
  registryLatencyMs: { type: 'integer', minimum: 0, maximum: 600_000 },
  holderOrigin: { type: 'string', enum: ['IN_REGENCY', 'OUT_OF_REGENCY'] },
  registryRefusal: { type: 'string', enum: REGISTRY_REFUSALS },
} as const;

/**
 * One access to population data (Pasal 3(2)(c)): who (opaque operator id), for which Puskesmas, through
 * which channel, with what outcome. Never the NIK, never anything the registry answered: the holder's
 * origin is kept only as IN_REGENCY / OUT_OF_REGENCY.
 */
export const accessEvents: EventDefinition[] = [
  {
    type: 'NikLookupPerformed',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['accessId', 'facilityId', 'operatorId', 'outcome', 'holderOrigin'],
      properties: { ...common },
    },
  },
  {
    type: 'CardReadRecorded',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['accessId', 'facilityId', 'operatorId', 'readerId', 'fingerprint', 'outcome', 'holderOrigin'],
      properties: { ...common, readerId: uuid, fingerprint: { type: 'string', enum: FINGERPRINT } },
    },
  },
];

export const accessStream = (accessId: string) => `access-${accessId}`;
