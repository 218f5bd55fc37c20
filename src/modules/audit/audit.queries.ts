import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import { ProjectionRunner } from '../../infrastructure/projections/projection-runner';
import { Refusal } from '../../infrastructure/refusal';
import type { Caller } from '../access/auth/access-rule';
import { accessStream } from '../access/lookups/lookup.events';
import { GetBalikanStatus } from '../balikan/balikan.queries';
import { checkpoints, consistencyProof, entriesProof, inclusionProof } from './audit-log.query';
import { AUDIT_SIGNER, type AuditSigner } from './audit-signer';
import type { Checkpoint } from './checkpoint';
import { NOTARY_PROJECTION } from './notary.projection';

/** Signed checkpoints of at least `fromSize` events, oldest first (the notary's tables). */
export class ListCheckpoints extends Query<Checkpoint[]> {
  constructor(readonly fromSize: number) {
    super();
  }
}

/** RFC 9162 inclusion proof of one event to a signed checkpoint (the first covering it, unless one is named). */
export class ProveInclusion extends Query<Awaited<ReturnType<typeof inclusionProof>>> {
  constructor(
    readonly eventId: string,
    readonly treeSize: number | undefined,
  ) {
    super();
  }
}

/**
 * The log entries an id people hold stands for, each with its inclusion proof to one signed checkpoint:
 * an accessId (every event of that access), a balikanId (that balikan's events) or any event id (that event).
 */
export class ProveEntries extends Query<Awaited<ReturnType<typeof entriesProof>> & { id: string; kind: 'ACCESS' | 'BALIKAN' | 'EVENT' }> {
  constructor(
    readonly caller: Caller,
    readonly id: string,
    readonly treeSize: number | undefined,
  ) {
    super();
  }
}

/** RFC 9162 consistency proof between two signed checkpoints. */
export class ProveConsistency extends Query<Awaited<ReturnType<typeof consistencyProof>>> {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super();
  }
}

/** The Ed25519 key checkpoints verify with. */
export class GetAuditPublicKey extends Query<{ keyId: string; publicKey: string }> {}

@QueryHandler(ListCheckpoints)
export class ListCheckpointsHandler implements IQueryHandler<ListCheckpoints> {
  constructor(private readonly db: DataSource) {}

  execute({ fromSize }: ListCheckpoints): Promise<Checkpoint[]> {
    return checkpoints(this.db, fromSize);
  }
}

@QueryHandler(ProveInclusion)
export class ProveInclusionHandler implements IQueryHandler<ProveInclusion> {
  constructor(private readonly db: DataSource) {}

  execute({ eventId, treeSize }: ProveInclusion) {
    return inclusionProof(this.db, eventId, treeSize);
  }
}

@QueryHandler(ProveEntries)
export class ProveEntriesHandler implements IQueryHandler<ProveEntries> {
  constructor(
    private readonly db: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queryBus: QueryBus,
    private readonly runner: ProjectionRunner,
  ) {}

  async execute({ caller, id, treeSize }: ProveEntries) {
    // An access is its stream; its first event's id is the accessId itself.
    const ofAccess = await this.store.readStream(accessStream(id), { stored: true });
    if (ofAccess.length > 0) return { id, kind: 'ACCESS' as const, ...(await entriesProof(this.db, ofAccess, treeSize)) };
    const ofBalikan = await this.balikanEvents(caller, id);
    if (ofBalikan.length > 0) return { id, kind: 'BALIKAN' as const, ...(await entriesProof(this.db, ofBalikan, treeSize)) };
    const event = await this.notarisedEvent(id);
    if (event) return { id, kind: 'EVENT' as const, ...(await entriesProof(this.db, [event], treeSize)) };
    // Unknown to the notary: an event stored a moment ago, or no event at all. Only the notary's lag tells them apart.
    const { position } = await this.runner.status(NOTARY_PROJECTION);
    if (await this.store.hasEventsAfter(position))
      throw new Refusal(
        409,
        'NOT_YET_NOTARISED',
        'No event with this id is notarised yet and the notary is still logging new events; ask again in a few seconds.',
      );
    throw new Refusal(404, 'EVENT_NOT_NOTARISED', 'No access, balikan or event with this id in the notarised log.');
  }

  /**
   * Any notarised event, read as stored from where the notary found it (its stream and revision): every
   * adapter reads a stream from a revision, none by event id.
   */
  private async notarisedEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const [leaf]: { stream_id: string | null; revision: string | null }[] = await this.db.query(
      `SELECT stream_id, revision::text FROM audit_leaves WHERE event_id = $1`,
      [eventId],
    );
    if (!leaf) return undefined;
    if (leaf.stream_id === null || leaf.revision === null)
      throw new Refusal(
        503,
        'ENTRY_NOT_LOCATED',
        'This event was notarised before the notary recorded where events live; the operator fills that in with "npm run cli -- projections:rebuild notary".',
      );
    const [event] = await this.store.readStream(leaf.stream_id, { fromRevision: BigInt(leaf.revision), maxCount: 1, stored: true });
    // The notary logged it there; a store without it was altered underneath (audit verify names how).
    if (event?.eventId.toLowerCase() !== eventId.toLowerCase()) throw new Error(`Notarised event ${eventId} is no longer where it was logged`);
    return event;
  }

  private async balikanEvents(caller: Caller, balikanId: string): Promise<RecordedEvent[]> {
    let accessId: string;
    try {
      ({ accessId } = await this.queryBus.execute(new GetBalikanStatus(caller, balikanId)));
    } catch (error) {
      if (error instanceof Refusal && error.status === 404) return [];
      throw error;
    }
    const events = await this.store.readStream(accessStream(accessId), { stored: true });
    return events.filter((e) => (e.data as { balikanId?: unknown }).balikanId === balikanId);
  }
}

@QueryHandler(ProveConsistency)
export class ProveConsistencyHandler implements IQueryHandler<ProveConsistency> {
  constructor(private readonly db: DataSource) {}

  execute({ from, to }: ProveConsistency) {
    return consistencyProof(this.db, from, to);
  }
}

@QueryHandler(GetAuditPublicKey)
export class GetAuditPublicKeyHandler implements IQueryHandler<GetAuditPublicKey> {
  constructor(@Inject(AUDIT_SIGNER) private readonly auditSigner: AuditSigner) {}

  async execute(): Promise<{ keyId: string; publicKey: string }> {
    const signer = this.auditSigner();
    return { keyId: signer.keyId, publicKey: signer.publicKeyPem() };
  }
}

export const AUDIT_QUERY_HANDLERS = [ListCheckpointsHandler, ProveInclusionHandler, ProveEntriesHandler, ProveConsistencyHandler, GetAuditPublicKeyHandler];
