import { Refusal } from '../../../infrastructure/refusal';
import type { Caller } from './access-rule';

/**
 * The Puskesmas scope (Pasal 3(2)(c)): a PUSKESMAS_OPERATOR acts only for its own Puskesmas. Every
 * command that concerns a facility (named in the path, or found through an access it refers to) calls
 * this; a refusal is recorded as AccessDenied FACILITY_SCOPE. Other roles are not bound to a facility.
 */
export function requireOwnFacility(caller: Caller, facilityId: string): void {
  if (caller.role !== 'PUSKESMAS_OPERATOR' || caller.facilityId === facilityId) return;
  throw new Refusal(403, 'FACILITY_SCOPE', 'You may act only for your own Puskesmas.');
}
