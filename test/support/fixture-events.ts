import type { EventDefinition } from '../../src/infrastructure/event-store/event-schemas';

/**
 * Event types used by the foundation's tests. They cover every kind of field the real catalogue uses
 * (UUIDs, enumerations, codes, counts, timestamps, dates, short free text, arrays, nested objects), so
 * the privacy property test exercises the guard on each kind, alongside the application's own catalogue.
 */
export const fixtureEvents: EventDefinition[] = [
  {
    type: 'FixtureLookupRecorded',
    version: 2,
    description: 'v1 had `registryMs`; v2 renamed it to `registryLatencyMs` and added `holderOrigin`.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['accessId', 'facilityCode', 'channel', 'outcome', 'registryLatencyMs', 'holderOrigin'],
      properties: {
        accessId: { type: 'string', format: 'uuid' },
        facilityCode: { type: 'string', pattern: '^[A-Z0-9]{3,12}$' },
        channel: { type: 'string', enum: ['WEB_PORTAL', 'CARD_READER'] },
        outcome: { type: 'string', enum: ['FOUND', 'NOT_FOUND', 'DECEASED'] },
        registryLatencyMs: { type: 'integer', minimum: 0, maximum: 600000 },
        holderOrigin: { type: 'string', enum: ['IN_REGENCY', 'OUT_OF_REGENCY', 'UNKNOWN'] },
      },
    },
    upcasters: {
      1: (data) => {
        const { registryMs, ...rest } = data as { registryMs: number };
        return { ...rest, registryLatencyMs: registryMs, holderOrigin: 'UNKNOWN' };
      },
    },
  },
  {
    type: 'FixtureEvaluationRecorded',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['evaluationId', 'evaluatedOn', 'findings', 'recordedAt'],
      properties: {
        evaluationId: { type: 'string', format: 'uuid' },
        evaluatedOn: { type: 'string', format: 'date' },
        recordedAt: { type: 'string', format: 'date-time' },
        agreementNumber: { type: 'string', pattern: '^[0-9A-Z./]{1,40}$' },
        findings: {
          type: 'array',
          maxItems: 20,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['obligation', 'finding'],
            properties: {
              obligation: { type: 'string', pattern: '^PASAL_[0-9A-Z_]{1,20}$' },
              finding: { type: 'string', enum: ['MET', 'PARTIAL', 'NOT_MET'] },
              notes: { type: 'string', maxLength: 500, 'x-free-text': true },
              count: { type: 'number', minimum: 0 },
            },
          },
        },
      },
    },
  },
  {
    type: 'FixtureCounted',
    version: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'amount'],
      properties: {
        key: { type: 'string', pattern: '^[a-z][a-z0-9]{0,7}$' },
        amount: { type: 'integer', minimum: 0, maximum: 1000 },
      },
    },
  },
];
