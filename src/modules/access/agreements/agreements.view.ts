import { Inject, Injectable } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { EventsAppended } from '../../../infrastructure/event-store/events-appended';
import { FoldedStreams } from '../../../infrastructure/event-store/folded-streams';
import { RecheckedCache } from '../../../infrastructure/freshness/rechecked-cache';
import { REGISTER_FRESHNESS, type RegisterFreshness } from '../register-freshness';
import { agreementDecider, type Agreement } from './agreement';
import { agreementInForceAmong, agreementStreamIds, type AgreementInForce } from './agreement-in-force';

const AGREEMENT_STREAM = /^agreement-/;

/**
 * Every agreement as its events fold, held in memory, so a lookup reads nothing when nothing changed. An
 * agreement recorded in this process (EventsAppended) counts from the very next request; one recorded by
 * another process (another gateway instance, the CLI) once the held state is rechecked, at most
 * `recheckMs` later (REGISTER_RECHECK_MS): a recheck reads the events after the revision held, and the
 * agreement register for agreements this process has not seen.
 */
@Injectable()
@EventsHandler(EventsAppended)
export class AgreementsView implements IEventHandler<EventsAppended> {
  private readonly known = new Set<string>();
  private readonly registered: RecheckedCache<'register', string[]>;
  private readonly agreements: FoldedStreams<Agreement>;

  constructor(@Inject(EVENT_STORE) store: EventStore, db: DataSource, @Inject(REGISTER_FRESHNESS) freshness: RegisterFreshness) {
    this.registered = new RecheckedCache(() => agreementStreamIds(db), freshness);
    this.agreements = new FoldedStreams(store, agreementDecider, freshness);
  }

  /** An agreement stream written in this process counts at once, before the register's projection catches up. */
  handle(appended: EventsAppended): void {
    if (!AGREEMENT_STREAM.test(appended.streamId)) return;
    this.known.add(appended.streamId);
    this.agreements.changed(appended.streamId);
  }

  async inForce(now: Date): Promise<AgreementInForce> {
    for (const streamId of (await this.registered.get('register')) ?? []) this.known.add(streamId);
    const states = await Promise.all([...this.known].map((streamId) => this.agreements.state(streamId)));
    return agreementInForceAmong(states, now);
  }
}
