import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from './event-store.port';

/** Puts every append of this process on the EventBus as EventsAppended, once it is stored. */
@Injectable()
export class StoredEventsPublisher implements OnModuleInit, OnModuleDestroy {
  private stop?: () => void;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly eventBus: EventBus,
  ) {}

  onModuleInit(): void {
    this.stop = this.store.onStored((appended) => this.eventBus.publish(appended));
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
