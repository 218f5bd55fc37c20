import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { ProjectionRunner } from '../../../infrastructure/projections/projection-runner';

export const REPORTING_PROJECTION = 'reporting';
const POLL_MS = 50;

/**
 * Reports are read from a projection that trails the log by a moment. Before answering, wait (briefly)
 * until it has caught up with what was in the log when the request came, so a clerk who has just made a
 * lookup sees it counted, and a submitted report includes every access made before it.
 */
@Injectable()
export class ReportingFreshness {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
  ) {}

  /**
   * True while the log holds an event the reporting read models have not yet seen: decided from their
   * checkpoint against the last event of the log they would be given (on every store; EventStoreDB cannot
   * count, and its $all ends with system and foreign events no projection is given).
   */
  async behind(): Promise<boolean> {
    const { position } = await this.runner.status(REPORTING_PROJECTION);
    return this.store.hasEventsAfter(position);
  }

  /** True once caught up; false if `timeoutMs` passed first (the answer then uses the figures as they are). */
  async catchUp(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!(await this.behind())) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
