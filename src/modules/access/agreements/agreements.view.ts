import { Inject, Injectable } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { EventsAppended } from '../../../infrastructure/event-store/events-appended';
import { agreementDecider, type Agreement } from './agreement';
import { agreementInForceAmong, agreementStreamIds, type AgreementInForce } from './agreement-in-force';

const AGREEMENT_STREAM = /^agreement-/;

interface Folded {
  readonly state: Agreement;
  /** The revision of the last event folded into `state`; -1 before the first. */
  readonly revision: bigint;
}

/**
 * Every agreement as its events fold, in memory, so a lookup does not load every agreement's stream.
 * Before each use it asks each known stream only for the events after the revision it holds (an empty
 * read when nothing changed) and folds those: an extension or termination counts from the very next
 * request, whichever process or CLI recorded it. New agreements are learnt from appends in this process
 * (EventsAppended) and, for other processes, from the agreement register.
 */
@Injectable()
@EventsHandler(EventsAppended)
export class AgreementsView implements IEventHandler<EventsAppended> {
  private readonly streams = new Map<string, Folded>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
  ) {}

  /** An agreement stream written in this process is known at once, before the register's projection catches up. */
  handle(appended: EventsAppended): void {
    if (AGREEMENT_STREAM.test(appended.streamId)) this.know(appended.streamId);
  }

  async inForce(now: Date): Promise<AgreementInForce> {
    for (const streamId of await agreementStreamIds(this.db)) this.know(streamId);
    await Promise.all([...this.streams.keys()].map((streamId) => this.catchUp(streamId)));
    return agreementInForceAmong(
      [...this.streams.values()].map((folded) => folded.state),
      now,
    );
  }

  private know(streamId: string): void {
    if (!this.streams.has(streamId)) this.streams.set(streamId, { state: agreementDecider.initialState, revision: -1n });
  }

  private async catchUp(streamId: string): Promise<void> {
    const read = await this.store.readStream(streamId, { fromRevision: this.streams.get(streamId)!.revision + 1n });
    // Two requests may read the same events at once: fold only what is still newer than what is held.
    const held = this.streams.get(streamId)!;
    const fresh = read.filter((event) => event.revision > held.revision);
    if (fresh.length === 0) return;
    this.streams.set(streamId, { state: fresh.reduce(agreementDecider.evolve, held.state), revision: fresh.at(-1)!.revision });
  }
}
