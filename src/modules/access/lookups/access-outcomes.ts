import { Refusal } from '../../../infrastructure/refusal';
import type { Person, RegistryRefusal } from '../../../infrastructure/registry/registry-answer';
import type { RegistryCall } from '../../../infrastructure/registry/registry-client';
import type { AccessOutcome, FINGERPRINT } from './lookup.events';

export type Fingerprint = (typeof FINGERPRINT)[number];

/** What the access event records beyond who and where: the outcome, and what the registry said about the call. */
export interface OutcomeFields {
  readonly outcome: AccessOutcome;
  readonly registryLatencyMs?: number;
  readonly registryRefusal?: RegistryRefusal;
}

/** How an access ends: recorded with these fields, then answered with the person or refused. */
export type Settlement =
  | { readonly recorded: OutcomeFields; readonly answer: { readonly outcome: 'FOUND' | 'DECEASED'; readonly person: Person | null } }
  | { readonly recorded: OutcomeFields; readonly refusal: Refusal };

/** The longest latency an event records (its schema's maximum): ten minutes. */
const MAX_LATENCY_MS = 600_000;

/**
 * The fingerprint rule of a card read (Pasal 3(2)(d)), before any registry call: a check that did not
 * match is refused; one not performed is refused unless FINGERPRINT_NOT_PERFORMED=allow. Either refusal
 * is an access, recorded with its outcome. Null: go on to the registry. Pure.
 */
export function fingerprintSettlement(fingerprint: Fingerprint, notPerformed: 'refuse' | 'allow', accessId: string): Settlement | null {
  if (fingerprint === 'MATCHED') return null;
  if (fingerprint === 'NOT_PERFORMED') {
    if (notPerformed === 'allow') return null;
    return {
      recorded: { outcome: 'FINGERPRINT_NOT_PERFORMED' },
      refusal: new Refusal(422, 'FINGERPRINT_NOT_PERFORMED', 'A card read needs the fingerprint check.', { accessId }),
    };
  }
  return {
    recorded: { outcome: 'FINGERPRINT_NOT_MATCHED' },
    refusal: new Refusal(422, 'FINGERPRINT_NOT_MATCHED', 'The fingerprint did not match the card.', { accessId }),
  };
}

/** THE table from what the registry answered to what the access event records and what the caller gets. Pure. */
export function registrySettlement(call: RegistryCall, accessId: string): Settlement {
  const registryLatencyMs = Math.min(call.latencyMs, MAX_LATENCY_MS);
  const refused = (
    outcome: AccessOutcome,
    status: 404 | 502 | 503 | 504,
    code: string,
    message: string,
    extra: Partial<OutcomeFields> = {},
    registryReason?: string,
  ): Settlement => ({
    recorded: { outcome, registryLatencyMs, ...extra },
    refusal: new Refusal(status, code, message, { accessId, ...(registryReason !== undefined ? { registryReason } : {}) }),
  });
  switch (call.outcome) {
    case 'FOUND':
    case 'DECEASED':
      return { recorded: { outcome: call.outcome, registryLatencyMs }, answer: { outcome: call.outcome, person: call.person } };
    case 'NOT_FOUND':
      return refused('NOT_FOUND', 404, 'NIK_NOT_FOUND', 'The registry has no person with this NIK.');
    case 'REFUSED':
      // The event keeps the normalised code only; the registry's own words go to the caller (registryReason).
      return refused(
        'REGISTRY_REFUSED',
        502,
        'REGISTRY_REFUSED',
        `The registry refused the request: ${call.reason}.`,
        { registryRefusal: call.reason },
        call.text,
      );
    case 'TIMEOUT':
      return refused('REGISTRY_TIMEOUT', 504, 'REGISTRY_TIMEOUT', 'The registry did not answer in time; try again.');
    case 'UNAVAILABLE':
      return refused(
        'REGISTRY_UNAVAILABLE',
        503,
        'REGISTRY_UNAVAILABLE',
        call.breakerOpen ? 'The registry is unavailable; retry in a little while.' : 'The registry is unavailable; try again.',
      );
  }
}
