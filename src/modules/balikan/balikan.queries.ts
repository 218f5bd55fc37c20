import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { loadState } from '../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../infrastructure/refusal';
import type { Caller } from '../access/auth/access-rule';
import { requireOwnFacility } from '../access/auth/facility-scope';
import { accessStream } from '../access/lookups/lookup.events';
import { balikanDecider, type BalikanStatus } from './balikan';
import { type BalikanKind } from './balikan.events';
import { BalikanOutbox } from './balikan-outbox';

export interface BalikanStatusView {
  balikanId: string;
  accessId: string;
  status: BalikanStatus;
  attempts: number;
  kinds: readonly BalikanKind[];
}

/** Where a balikan stands: found through the outbox's index, its status from its access stream. Never its values. */
export class GetBalikanStatus extends Query<BalikanStatusView> {
  constructor(
    readonly caller: Caller,
    readonly balikanId: string,
  ) {
    super();
  }
}

@QueryHandler(GetBalikanStatus)
export class GetBalikanStatusHandler implements IQueryHandler<GetBalikanStatus> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly outbox: BalikanOutbox,
  ) {}

  async execute({ caller, balikanId }: GetBalikanStatus): Promise<BalikanStatusView> {
    const indexed = await this.outbox.indexed(balikanId);
    if (!indexed) throw new Refusal(404, 'BALIKAN_NOT_FOUND', 'No balikan with this id.');
    requireOwnFacility(caller, indexed.facilityId);
    const { state } = await loadState(this.store, accessStream(indexed.accessId), balikanDecider);
    const balikan = state.balikan.get(balikanId);
    if (!balikan) throw new Refusal(404, 'BALIKAN_NOT_FOUND', 'No balikan with this id.');
    return { balikanId, accessId: indexed.accessId, status: balikan.status, attempts: balikan.attempts, kinds: balikan.kinds };
  }
}
