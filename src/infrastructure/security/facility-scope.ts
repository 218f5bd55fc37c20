import { ApiError } from '../http/api-error';
import type { DenialRecorder } from '../../modules/access/denials/denial-recorder';
import type { Caller } from './access-rule';

/**
 * The Puskesmas scope (Pasal 3(2)(c)): a PUSKESMAS_OPERATOR acts only for its own Puskesmas. Every
 * command that concerns a facility (named in the path, or found through an access it refers to) calls
 * this; a refusal is recorded as AccessDenied FACILITY_SCOPE. Other roles are not bound to a facility.
 */
export async function requireOwnFacility(caller: Caller, facilityId: string, denials: DenialRecorder, context: { route: string; correlationId?: string }): Promise<void> {
  if (caller.role !== 'PUSKESMAS_OPERATOR' || caller.facilityId === facilityId) return;
  await denials.record('FACILITY_SCOPE', { ...context, operatorId: caller.operatorId, facilityId: caller.facilityId, role: caller.role });
  throw new ApiError(403, 'FACILITY_SCOPE', 'You may act only for your own Puskesmas.');
}
