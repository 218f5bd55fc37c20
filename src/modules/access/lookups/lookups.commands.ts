import { Command } from '@nestjs/cqrs';
import { Type, type Static } from '@sinclair/typebox';
import { Answer, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { PersonSchema } from '../agreements/granted-fields';
import type { Caller } from '../auth/access-rule';
import type { Fingerprint } from './access-outcomes';

export type AccessChannel =
  { readonly type: 'NikLookupPerformed' } | { readonly type: 'CardReadRecorded'; readonly readerId: string; readonly fingerprint: Fingerprint };

/** The answer to an access the registry found: only what the agreement in force grants. */
export const AccessAnswerSchema = Answer({
  accessId: Type.String({ format: 'uuid', description: 'Keep it: proves the NIK was verified (Pasal 3(2)(a)); a balikan names it' }),
  outcome: OneOf(['FOUND', 'DECEASED'] as const),
  person: Nullable(PersonSchema),
  verificationToken: Type.String({ description: 'Binds a later balikan to this NIK without the gateway keeping it (POST /v1/balikan)' }),
});
export type AccessAnswer = Static<typeof AccessAnswerSchema>;

/**
 * Look a person up by NIK, or read a KTP-el card (Pasal 1(5), 3(2)(d)). The NIK lives in this object, in
 * memory, and in the answer: never in an event, a log line or an error.
 */
export class PerformAccess extends Command<AccessAnswer> {
  constructor(
    readonly caller: Caller,
    readonly nik: string,
    readonly channel: AccessChannel,
    readonly correlationId?: string,
  ) {
    super();
  }
}
