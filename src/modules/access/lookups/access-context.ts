import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/access-rule';
import type { AgreementInForce } from '../agreements/agreement-in-force';
import { AgreementsView } from '../agreements/agreements.view';
import type { CardReader, Facility } from '../facilities/facility';
import { RegisterStates } from '../register-states';

/** Everything the access policies decide on, read once per lookup or card read. */
export interface AccessContext {
  readonly now: Date;
  /** The signed-in operator, as the access guard read it. */
  readonly operator: Caller;
  /** Its status decides access; its granted fields shape the answer (the same read for both). */
  readonly agreement: AgreementInForce;
  /** The operator's Puskesmas as registered (facilityId null: not registered); null when the account has none. */
  readonly facility: Facility | null;
  /** Card reads only: the reader as registered (readerId null: not registered). */
  readonly reader: CardReader | null;
}

/** The one load of a lookup, from the registers held in memory: the agreement in force, the caller's facility and, for a card read, the reader. */
@Injectable()
export class AccessContextLoader {
  constructor(
    private readonly registers: RegisterStates,
    private readonly agreements: AgreementsView,
  ) {}

  async load(operator: Caller, readerId: string | undefined, now: Date): Promise<AccessContext> {
    const [agreement, facility, reader] = await Promise.all([
      this.agreements.inForce(now),
      operator.facilityId ? this.registers.facility(operator.facilityId) : null,
      readerId ? this.registers.reader(readerId) : null,
    ]);
    return { now, operator, agreement, facility, reader };
  }
}
