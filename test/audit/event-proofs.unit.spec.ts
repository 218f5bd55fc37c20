import type { QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { START, type EventStore, type RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import type { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner';
import { Refusal } from '../../src/infrastructure/refusal';
import { ProveEntries, ProveEntriesHandler } from '../../src/modules/audit/audit.queries';

/*
 * An id the notary has not logged: an event stored a moment ago (409, ask again) or none at all (404).
 * Only the notary's lag tells them apart; given the lag, the answer is certain.
 */
describe('Proving an id the notary does not know', () => {
  const auditor = { operatorId: randomUUID(), role: 'DUKCAPIL_AUDITOR' as const, facilityId: null };
  const answerWith = async (opts: { notaryBehind: boolean; leaf?: { stream_id: string | null; revision: string | null } }) => {
    const db = { query: async (sql: string) => (sql.includes('FROM audit_leaves') && opts.leaf ? [opts.leaf] : []) } as unknown as DataSource;
    const store = {
      readStream: async (): Promise<RecordedEvent[]> => [],
      hasEventsAfter: async () => opts.notaryBehind, // the end of the log lies past the notary's checkpoint
    } as unknown as EventStore;
    const queryBus = {
      execute: async () => {
        throw new Refusal(404, 'BALIKAN_NOT_FOUND', 'no such balikan');
      },
    } as unknown as QueryBus;
    const runner = {
      status: async () => ({ name: 'notary', position: START, eventsHandled: 0n, lastEventAt: null, updatedAt: null }),
    } as unknown as ProjectionRunner;
    try {
      await new ProveEntriesHandler(db, store, queryBus, runner).execute(new ProveEntries(auditor, randomUUID(), undefined));
      return 'proved';
    } catch (error) {
      return error instanceof Refusal ? `${error.status} ${error.code}` : String(error);
    }
  };

  it('answers 409 NOT_YET_NOTARISED while the notary has events still to log: the id may be one of them', async () => {
    expect(await answerWith({ notaryBehind: true })).toBe('409 NOT_YET_NOTARISED');
  });

  it('answers 404 EVENT_NOT_NOTARISED once the notary has logged everything (on every store, EventStoreDB included)', async () => {
    expect(await answerWith({ notaryBehind: false })).toBe('404 EVENT_NOT_NOTARISED');
  });

  it('answers 503 ENTRY_NOT_LOCATED for an event notarised before its stream was recorded (EventStoreDB until the notary is rebuilt)', async () => {
    expect(await answerWith({ notaryBehind: false, leaf: { stream_id: null, revision: null } })).toBe('503 ENTRY_NOT_LOCATED');
  });
});
