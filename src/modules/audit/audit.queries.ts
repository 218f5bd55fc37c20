import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../infrastructure/refusal';
import type { Caller } from '../access/auth/access-rule';
import { accessStream } from '../access/lookups/lookup.events';
import { GetBalikanStatus } from '../balikan/balikan.queries';
import { checkpoints, consistencyProof, entriesProof, inclusionProof } from './audit-log.query';
import { AUDIT_SIGNER, type AuditSigner } from './audit-signer';
import type { Checkpoint } from './checkpoint';

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
 * an accessId (every event of that access) or a balikanId (that balikan's events).
 */
export class ProveEntries extends Query<Awaited<ReturnType<typeof entriesProof>> & { id: string; kind: 'ACCESS' | 'BALIKAN' }> {
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
  ) {}

  async execute({ caller, id, treeSize }: ProveEntries) {
    // An access is its stream; its first event's id is the accessId itself.
    const ofAccess = await this.store.readStream(accessStream(id), { stored: true });
    if (ofAccess.length > 0) return { id, kind: 'ACCESS' as const, ...(await entriesProof(this.db, ofAccess, treeSize)) };
    const ofBalikan = await this.balikanEvents(caller, id);
    if (ofBalikan.length > 0) return { id, kind: 'BALIKAN' as const, ...(await entriesProof(this.db, ofBalikan, treeSize)) };
    // Any other event: the store cannot be read by event id on every adapter, so it is named, not shown.
    const [leaf]: unknown[] = await this.db.query(`SELECT 1 FROM audit_leaves WHERE event_id = $1`, [id]);
    if (leaf)
      throw new Refusal(
        422,
        'NOT_AN_ACCESS_OR_BALIKAN',
        'This is an event id, not an accessId or a balikanId: GET /v1/audit/proofs/{eventId} proves its leaf hash, and the export holds its entry.',
      );
    throw new Refusal(404, 'EVENT_NOT_NOTARISED', 'No access, balikan or event with this id in the notarised log (yet).');
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
