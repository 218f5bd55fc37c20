import { Type } from '@sinclair/typebox';
import { Answer, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { ROLES } from '../operators/operator.events';

/** The answer to a sign-in (POST /v1/auth/login). */
export const SignedInSchema = Answer({
  accessToken: Type.String({ description: 'Bearer token for the Authorization header' }),
  expiresIn: Type.Integer({ minimum: 1, description: 'Seconds the token lives' }),
  role: OneOf(ROLES),
  facilityId: Nullable(Type.String({ format: 'uuid', description: "The operator's Puskesmas (or Dinkes); null for Disdukcapil and Bupati-office accounts" })),
  operatorId: Type.String({ format: 'uuid' }),
  mustChangePassword: Type.Boolean({ description: 'The session may only change its own password (and sign out) until it does' }),
});
