import { Command } from '@nestjs/cqrs';
import type { Person } from '../../../infrastructure/registry/registry-answer';
import type { Caller } from '../auth/access-rule';
import type { Fingerprint } from './access-outcomes';

export type AccessChannel =
  { readonly type: 'NikLookupPerformed' } | { readonly type: 'CardReadRecorded'; readonly readerId: string; readonly fingerprint: Fingerprint };

/** The answer to an access the registry found: only what the agreement in force grants. */
export interface AccessAnswer {
  readonly accessId: string;
  readonly outcome: 'FOUND' | 'DECEASED';
  readonly person: Partial<Person> | null;
  /** Binds a later balikan to this NIK without the gateway keeping it. */
  readonly verificationToken: string;
}

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
