import { Command } from '@nestjs/cqrs';
import type { BalikanValues } from '../../infrastructure/registry/balikan-client';
import type { Caller } from '../access/auth/access-rule';
import type { BalikanStatus } from './balikan';
import type { BalikanKind } from './balikan.events';

/** Send data balikan back for the person an access found (its shape checked by the route, its meaning here). */
export class SubmitBalikan extends Command<{ balikanId: string; status: BalikanStatus }> {
  constructor(
    readonly caller: Caller,
    readonly accessId: string,
    readonly nik: string,
    readonly verificationToken: string,
    readonly kinds: readonly BalikanKind[],
    readonly values: BalikanValues,
    /** Names the balikan (balikanIdFor), so repeats of one submission record it once; absent: a new balikan. */
    readonly idempotencyKey: string | undefined,
    readonly correlationId: string | undefined,
  ) {
    super();
  }
}
