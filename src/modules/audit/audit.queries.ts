import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { checkpoints, consistencyProof, inclusionProof } from './audit-log.query';
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

export const AUDIT_QUERY_HANDLERS = [ListCheckpointsHandler, ProveInclusionHandler, ProveConsistencyHandler, GetAuditPublicKeyHandler];
