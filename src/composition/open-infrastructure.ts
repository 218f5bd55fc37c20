import type { Logger } from 'pino';
import { storageMode, type AppConfig } from '../infrastructure/config/config';
import type { EventDefinition, EventSchemas } from '../infrastructure/event-store/event-schemas';
import { openStorage, type Infrastructure } from '../infrastructure/infrastructure';
import type { Projection } from '../infrastructure/projections/projection';
import { accessProjections } from '../modules/access/access.projections';
import { auditSigner, type AuditSigner } from '../modules/audit/audit-signer';
import { auditProjections } from '../modules/audit/audit.projections';
import { reportingProjections } from '../modules/reporting/reporting.projections';
import { eventCatalogue } from './event-catalogue';

/** The opened storage with what the modules need from before Nest starts: the audit module's signer. */
export interface GatewayInfrastructure extends Infrastructure {
  readonly auditSigner: AuditSigner;
}

export interface OpenOptions {
  readonly logger?: Logger;
  /** Extra event types (tests). */
  readonly extraEvents?: readonly EventDefinition[];
  /** Replaces the application's projections (tests, benchmarks). */
  readonly projections?: (eventSchemas: EventSchemas) => Projection[];
  /** The embedded database the parent process serves (the projection worker). */
  readonly embeddedUrl?: string;
}

/**
 * Opens storage with every module's event types and projections. Used by the HTTP app, the CLI, the
 * projection worker and the benchmarks alike; a wrong or unreachable setting throws (startupFailureLine).
 */
export async function openInfrastructure(config: AppConfig, options: OpenOptions = {}): Promise<GatewayInfrastructure> {
  const signer = auditSigner(config, storageMode(config), options.logger);
  const infra = await openStorage(config, {
    logger: options.logger,
    events: [...eventCatalogue, ...(options.extraEvents ?? [])],
    projections: options.projections ?? ((eventSchemas) => applicationProjections(eventSchemas, config, signer)),
    embeddedUrl: options.embeddedUrl,
  });
  return { ...infra, auditSigner: signer };
}

/** The read models of every module, and the notary (exported for the scale-out spec, which counts what each one handles). */
export function applicationProjections(eventSchemas: EventSchemas, config: AppConfig, signer: AuditSigner): Projection[] {
  return [...accessProjections(), ...reportingProjections(eventSchemas), ...auditProjections(config, signer)];
}
