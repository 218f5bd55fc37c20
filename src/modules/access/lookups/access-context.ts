import { Inject, Injectable } from '@nestjs/common';
import { loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import type { Caller } from '../auth/access-rule';
import type { AgreementInForce } from '../agreements/agreement-in-force';
import { AgreementsView } from '../agreements/agreements.view';
import { cardReaderDecider, facilityDecider, facilityStream, readerStream, type CardReader, type Facility } from '../facilities/facility';

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

/** The one load of a lookup: the agreement in force, the caller's facility and, for a card read, the reader. */
@Injectable()
export class AccessContextLoader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly agreements: AgreementsView,
  ) {}

  async load(operator: Caller, readerId: string | undefined, now: Date): Promise<AccessContext> {
    const [agreement, facility, reader] = await Promise.all([
      this.agreements.inForce(now),
      operator.facilityId ? loadState(this.store, facilityStream(operator.facilityId), facilityDecider).then((loaded) => loaded.state) : null,
      readerId ? loadState(this.store, readerStream(readerId), cardReaderDecider).then((loaded) => loaded.state) : null,
    ]);
    return { now, operator, agreement, facility, reader };
  }
}
