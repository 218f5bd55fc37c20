import { Type } from '@sinclair/typebox';
import { Answer, OneOf } from '../../infrastructure/http/answer-schema';
import { BALIKAN_KINDS } from './balikan.events';

const STATUSES = ['QUEUED', 'FAILED_RETRYING', 'DELIVERED', 'ABANDONED'] as const;

/** The answer to a submission (202): the same for every submission with one Idempotency-Key. */
export const BalikanAcceptedSchema = Answer({ balikanId: Type.String({ format: 'uuid' }), status: OneOf(STATUSES) });

/** Where a balikan stands: never its values. */
export const BalikanStatusSchema = Answer({
  balikanId: Type.String({ format: 'uuid' }),
  accessId: Type.String({ format: 'uuid' }),
  status: OneOf(STATUSES),
  attempts: Type.Integer({ minimum: 0, description: 'Delivery attempts so far' }),
  kinds: Type.Array(OneOf(BALIKAN_KINDS), { uniqueItems: true, description: 'Which fields were sent back (never their values)' }),
});
