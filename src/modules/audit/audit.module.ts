import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Infrastructure } from '../../infrastructure/bootstrap';
import { INFRASTRUCTURE } from '../../infrastructure/infrastructure.module';
import { AuditController } from './audit.controller';

/** Resolves the signing key at start, so its public key is printed once (and a missing key file is created). */
@Injectable()
export class SigningKeyAnnouncer implements OnApplicationBootstrap {
  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  onApplicationBootstrap(): void {
    if (this.infra.config.runProjections) this.infra.auditSigner();
  }
}

/** The verifiable audit log (hash chain, Merkle tree, signed checkpoints, proofs). */
@Module({ controllers: [AuditController], providers: [SigningKeyAnnouncer] })
export class AuditModule {}
