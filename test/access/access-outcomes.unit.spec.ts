import { randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/refusal';
import type { Person } from '../../src/infrastructure/registry/registry-answer';
import type { RegistryCall } from '../../src/infrastructure/registry/registry-client';
import { fingerprintSettlement, registrySettlement, type Settlement } from '../../src/modules/access/lookups/access-outcomes';

const accessId = randomUUID();
const person = { nik: '0013095512900002', fullName: 'Sintetis' } as unknown as Person;

/** What the caller sees of a settlement: the answer's outcome, or the refusal's status, code and accessId. */
function seen(settlement: Settlement) {
  if ('answer' in settlement) return { recorded: settlement.recorded, answer: settlement.answer.outcome };
  expect(settlement.refusal).toBeInstanceOf(Refusal);
  return {
    recorded: settlement.recorded,
    status: settlement.refusal.status,
    code: settlement.refusal.code,
    accessId: settlement.refusal.details.accessId,
    message: settlement.refusal.message,
    ...(settlement.refusal.details.registryReason !== undefined ? { registryReason: settlement.refusal.details.registryReason } : {}),
  };
}

describe('From what the registry answered to what is recorded and what the Puskesmas app gets', () => {
  it.each<[string, RegistryCall, ReturnType<typeof seen>]>([
    [
      'a person found is recorded FOUND and answered',
      { outcome: 'FOUND', person, latencyMs: 120 },
      { recorded: { outcome: 'FOUND', registryLatencyMs: 120 }, answer: 'FOUND' },
    ],
    [
      'a deceased holder is recorded DECEASED and answered',
      { outcome: 'DECEASED', person: null, latencyMs: 80 },
      { recorded: { outcome: 'DECEASED', registryLatencyMs: 80 }, answer: 'DECEASED' },
    ],
    [
      'an unknown NIK is recorded NOT_FOUND and answered 404 NIK_NOT_FOUND',
      { outcome: 'NOT_FOUND', latencyMs: 90 },
      {
        recorded: { outcome: 'NOT_FOUND', registryLatencyMs: 90 },
        status: 404,
        code: 'NIK_NOT_FOUND',
        accessId,
        message: 'The registry has no person with this NIK.',
      },
    ],
    [
      "a refusal by the registry is recorded REGISTRY_REFUSED with its normalised reason and answered 502 with that code and the registry's own words",
      { outcome: 'REFUSED', reason: 'DAILY_QUOTA_EXHAUSTED', text: 'Kuota Akses Hari Ini Telah Habis', latencyMs: 40 },
      {
        recorded: { outcome: 'REGISTRY_REFUSED', registryLatencyMs: 40, registryRefusal: 'DAILY_QUOTA_EXHAUSTED' },
        status: 502,
        code: 'REGISTRY_REFUSED',
        accessId,
        message: 'The registry refused the request: DAILY_QUOTA_EXHAUSTED.',
        registryReason: 'Kuota Akses Hari Ini Telah Habis',
      },
    ],
    [
      'a registry too slow to answer is recorded REGISTRY_TIMEOUT and answered 504',
      { outcome: 'TIMEOUT', latencyMs: 4000 },
      {
        recorded: { outcome: 'REGISTRY_TIMEOUT', registryLatencyMs: 4000 },
        status: 504,
        code: 'REGISTRY_TIMEOUT',
        accessId,
        message: 'The registry did not answer in time; try again.',
      },
    ],
    [
      'a failing registry is recorded REGISTRY_UNAVAILABLE and answered 503',
      { outcome: 'UNAVAILABLE', breakerOpen: false, latencyMs: 15 },
      {
        recorded: { outcome: 'REGISTRY_UNAVAILABLE', registryLatencyMs: 15 },
        status: 503,
        code: 'REGISTRY_UNAVAILABLE',
        accessId,
        message: 'The registry is unavailable; try again.',
      },
    ],
    [
      'a registry the gateway has stopped calling for a while is answered 503 with a hint to wait',
      { outcome: 'UNAVAILABLE', breakerOpen: true, latencyMs: 0 },
      {
        recorded: { outcome: 'REGISTRY_UNAVAILABLE', registryLatencyMs: 0 },
        status: 503,
        code: 'REGISTRY_UNAVAILABLE',
        accessId,
        message: 'The registry is unavailable; retry in a little while.',
      },
    ],
  ])('%s', (_, call, expected) => {
    expect(seen(registrySettlement(call, accessId))).toEqual(expected);
  });

  it("hands the registry's person on for the agreement to narrow (the table itself keeps nothing)", () => {
    const settlement = registrySettlement({ outcome: 'FOUND', person, latencyMs: 1 }, accessId);
    expect('answer' in settlement && settlement.answer.person).toBe(person);
  });

  it("records at most ten minutes of registry latency (the event schema's maximum)", () => {
    expect(registrySettlement({ outcome: 'TIMEOUT', latencyMs: 3_600_000 }, accessId).recorded.registryLatencyMs).toBe(600_000);
  });

  describe('the fingerprint check of a card read, before any registry call', () => {
    it('goes on to the registry after a matched fingerprint', () => {
      expect(fingerprintSettlement('MATCHED', 'refuse', accessId)).toBeNull();
    });

    it('records FINGERPRINT_NOT_MATCHED and answers 422 when the fingerprint did not match, whatever the setting', () => {
      for (const setting of ['refuse', 'allow'] as const) {
        expect(seen(fingerprintSettlement('NOT_MATCHED', setting, accessId)!)).toEqual({
          recorded: { outcome: 'FINGERPRINT_NOT_MATCHED' },
          status: 422,
          code: 'FINGERPRINT_NOT_MATCHED',
          accessId,
          message: 'The fingerprint did not match the card.',
        });
      }
    });

    it('records FINGERPRINT_NOT_PERFORMED and answers 422 when no check was done, unless FINGERPRINT_NOT_PERFORMED=allow', () => {
      expect(seen(fingerprintSettlement('NOT_PERFORMED', 'refuse', accessId)!)).toEqual({
        recorded: { outcome: 'FINGERPRINT_NOT_PERFORMED' },
        status: 422,
        code: 'FINGERPRINT_NOT_PERFORMED',
        accessId,
        message: 'A card read needs the fingerprint check.',
      });
      expect(fingerprintSettlement('NOT_PERFORMED', 'allow', accessId)).toBeNull();
    });
  });
});
