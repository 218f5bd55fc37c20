import { Inject, Injectable } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../infrastructure/event-store/event-store.port';
import { EventsAppended } from '../../infrastructure/event-store/events-appended';
import { FoldedStreams } from '../../infrastructure/event-store/folded-streams';
import { cardReaderDecider, facilityDecider, facilityStream, readerStream, type CardReader, type Facility } from './facilities/facility';
import { operatorDecider, operatorStream, type Operator } from './operators/operator';
import { REGISTER_FRESHNESS, type RegisterFreshness } from './register-freshness';

/**
 * The operators, Puskesmas and card readers as their streams fold, held in memory for the guard and the
 * lookups: an append in this process (a suspension, a retirement) counts from the very next request, one
 * made by another process within REGISTER_RECHECK_MS.
 */
@Injectable()
@EventsHandler(EventsAppended)
export class RegisterStates implements IEventHandler<EventsAppended> {
  private readonly operators: FoldedStreams<Operator>;
  private readonly facilities: FoldedStreams<Facility>;
  private readonly readers: FoldedStreams<CardReader>;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(REGISTER_FRESHNESS) freshness: RegisterFreshness) {
    this.operators = new FoldedStreams(store, operatorDecider, freshness);
    this.facilities = new FoldedStreams(store, facilityDecider, freshness);
    this.readers = new FoldedStreams(store, cardReaderDecider, freshness);
  }

  handle({ streamId }: EventsAppended): void {
    if (streamId.startsWith('operator-')) this.operators.changed(streamId);
    else if (streamId.startsWith('facility-')) this.facilities.changed(streamId);
    else if (streamId.startsWith('reader-')) this.readers.changed(streamId);
  }

  operator(operatorId: string): Promise<Operator> {
    return this.operators.state(operatorStream(operatorId));
  }

  facility(facilityId: string): Promise<Facility> {
    return this.facilities.state(facilityStream(facilityId));
  }

  reader(readerId: string): Promise<CardReader> {
    return this.readers.state(readerStream(readerId));
  }
}
