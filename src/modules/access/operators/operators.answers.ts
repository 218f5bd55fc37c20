import { Type } from '@sinclair/typebox';
import { Answer, Component, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { ROLES } from './operator.events';

const STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED'] as const;
const FacilityId = () => Nullable(Type.String({ format: 'uuid', description: 'null for accounts of no facility (Disdukcapil, Bupati office)' }));

/** An account in the party's list (GET /v1/operators). */
export const AccountListingSchema = Component(
  'AccountListing',
  Answer({
    operatorId: Type.String({ format: 'uuid' }),
    userId: Nullable(Type.String({ description: 'null once the profile is erased' })),
    role: OneOf(ROLES),
    facilityId: FacilityId(),
    status: OneOf(STATUSES),
    lockedUntil: Nullable(Type.String({ format: 'date-time', description: 'Until when sign-in is locked after failures; null when not locked' })),
    displayName: Nullable(Type.String({ description: 'null when not given or erased' })),
  }),
);

/** An account after a change of its status or password. */
export const AccountStatusSchema = Component(
  'AccountStatus',
  Answer({ operatorId: Type.String({ format: 'uuid' }), role: OneOf(ROLES), facilityId: FacilityId(), status: OneOf(STATUSES) }),
);

/** An account just enrolled. */
export const EnrolledSchema = Answer({
  operatorId: Type.String({ format: 'uuid' }),
  userId: Type.String(),
  role: OneOf(ROLES),
  facilityId: FacilityId(),
  status: OneOf(['ACTIVE'] as const),
});

/** An account just unlocked. */
export const UnlockedSchema = Answer({ operatorId: Type.String({ format: 'uuid' }), lockedUntil: Type.Null() });
