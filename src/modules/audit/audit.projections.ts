import type { AppConfig } from '../../infrastructure/config/config';
import type { Projection } from '../../infrastructure/projections/projection';
import type { AuditSigner } from './audit-signer';
import { NotaryProjection } from './notary.projection';

/** The audit module's projection: the notary, which follows the whole log and signs checkpoints. */
export function auditProjections(config: AppConfig, signer: AuditSigner): Projection[] {
  return [new NotaryProjection({ everyEvents: config.audit.checkpointEveryEvents, everyMs: config.audit.checkpointEveryMinutes * 60_000, signer })];
}
