import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Infrastructure } from '../../infrastructure/infrastructure';
import { INFRASTRUCTURE } from '../../infrastructure/infrastructure.module';
import { AUDIT_SIGNER, type AuditSigner } from './audit-signer';
import { AuditController } from './audit.controller';
import { AUDIT_QUERY_HANDLERS } from './audit.queries';
import { RequestCheckpointHandler } from './request-checkpoint';

/** Resolves the signing key at start, so its public key is printed once (and a missing key file is created). */
@Injectable()
export class SigningKeyAnnouncer implements OnApplicationBootstrap {
  constructor(
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(AUDIT_SIGNER) private readonly auditSigner: AuditSigner,
  ) {}

  onApplicationBootstrap(): void {
    if (this.infra.config.runProjections) this.auditSigner();
  }
}

/** The verifiable audit log (hash chain, Merkle tree, signed checkpoints, proofs). */
@Module({ controllers: [AuditController], providers: [SigningKeyAnnouncer, RequestCheckpointHandler, ...AUDIT_QUERY_HANDLERS] })
export class AuditModule {}
