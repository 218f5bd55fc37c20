import { Pool } from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { eventCatalogue } from '../event-catalogue';
import { AccessRegistersProjection } from '../modules/access/registers.projection';
import { EventVolumeProjection } from '../modules/reporting/event-volume/event-volume.projection';
import { ReportingProjection } from '../modules/reporting/read-models/reporting.projection';
import { CheckpointSigner, keyFromDataDir, parseSigningKey } from '../modules/audit/checkpoint';
import { NotaryProjection } from '../modules/audit/notary.projection';
import { ConfigError, describeUrl, storageMode, type AppConfig, type StorageMode } from './config/config';
import { createDataSource, migrate } from './database/data-source';
import { DataDirectoryError, startEmbeddedPostgres, type EmbeddedPostgres } from './database/embedded-postgres';
import { EventRegistry, type EventDefinition } from './event-store/event-registry';
import type { EventStore, EventStoreAdapter } from './event-store/event-store.port';
import { EventStoreDbEventStoreAdapter } from './event-store/eventstoredb/eventstoredb-event-store.adapter';
import { GuardedEventStore } from './event-store/guarded-event-store';
import { PostgresEventStoreAdapter } from './event-store/postgres/postgres-event-store.adapter';
import type { Projection } from './projections/projection';
import { ProjectionRunner } from './projections/projection-runner';

/** Start-up could not reach something it needs; `setting` names the configuration to look at. */
export class StartupError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Infrastructure {
  readonly config: AppConfig;
  readonly mode: StorageMode;
  readonly registry: EventRegistry;
  readonly eventStore: EventStore;
  readonly dataSource: DataSource;
  readonly projections: readonly Projection[];
  readonly runner: ProjectionRunner;
  /** Signs the audit log's checkpoints; resolved (and a key file created, without AUDIT_SIGNING_KEY) on first use. */
  readonly auditSigner: () => CheckpointSigner;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly logger?: Logger;
  /** Extra event types (tests). */
  readonly extraEvents?: readonly EventDefinition[];
  /** Replaces the application's projections (tests, benchmarks). */
  readonly projections?: (registry: EventRegistry) => Projection[];
}

/**
 * Opens storage the way the configuration asks: embedded PGlite (neither URL), a PostgreSQL server
 * (DATABASE_URL) or EventStoreDB for events (EVENTSTORE_CONNECTION_STRING) with PostgreSQL read models.
 * Used by the HTTP app, the CLI, the projection worker and the benchmarks alike.
 */
export async function openInfrastructure(config: AppConfig, options: OpenOptions = {}): Promise<Infrastructure> {
  const mode = storageMode(config);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    let url = config.databaseUrl;
    if (!url) {
      const embedded: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: config.dataDir });
      closers.push(() => embedded.stop());
      url = embedded.url;
      options.logger?.info({ dataDir: config.dataDir }, 'embedded PostgreSQL (PGlite) started');
    }
    const dataSource = createDataSource(url);
    await reach('DATABASE_URL', url, () => dataSource.initialize());
    closers.push(() => dataSource.destroy());
    await migrate(dataSource);

    let adapter: EventStoreAdapter;
    if (config.eventStoreConnectionString) {
      adapter = new EventStoreDbEventStoreAdapter(config.eventStoreConnectionString);
      closers.push(() => adapter.close());
      await reach('EVENTSTORE_CONNECTION_STRING', config.eventStoreConnectionString, () => adapter.initialise());
    } else {
      const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
      pool.on('error', (error) => options.logger?.warn({ err: error.message }, 'idle event-store connection failed'));
      closers.push(() => pool.end());
      adapter = new PostgresEventStoreAdapter(pool);
      await reach('DATABASE_URL', url, () => adapter.initialise());
    }

    const registry = new EventRegistry([...eventCatalogue, ...(options.extraEvents ?? [])]);
    const eventStore = new GuardedEventStore(adapter, registry);
    const auditSigner = once(() => openAuditSigner(config, mode, options.logger));
    const projections = options.projections?.(registry) ?? applicationProjections(registry, config, auditSigner);
    return { config, mode, registry, eventStore, dataSource, projections, runner: new ProjectionRunner(eventStore, dataSource), auditSigner, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The read models of the application, and the notary. */
export function applicationProjections(registry: EventRegistry, config: AppConfig, auditSigner: () => CheckpointSigner): Projection[] {
  return [
    new EventVolumeProjection(registry.definitions().map((d) => d.type)),
    new AccessRegistersProjection(),
    new ReportingProjection(),
    new NotaryProjection({ everyEvents: config.audit.checkpointEveryEvents, everyMs: config.audit.checkpointEveryMinutes * 60_000, signer: auditSigner }),
  ];
}

/** AUDIT_SIGNING_KEY, or a key kept under DATA_DIR (generated once, its public key printed). */
function openAuditSigner(config: AppConfig, mode: StorageMode, logger?: Logger): CheckpointSigner {
  if (config.audit.signingKey) return new CheckpointSigner(parseSigningKey(config.audit.signingKey));
  const { key, path, created } = keyFromDataDir(config.dataDir);
  const signer = new CheckpointSigner(key);
  const line = { path, keyId: signer.keyId, publicKey: signer.publicKeyPem().trim() };
  if (mode !== 'embedded') logger?.warn(line, 'no AUDIT_SIGNING_KEY: checkpoints are signed with a key kept under DATA_DIR; give every instance the same AUDIT_SIGNING_KEY');
  else logger?.info(line, created ? 'generated the audit signing key (mode 0600); give Disdukcapil this public key' : 'audit checkpoints are signed with this key');
  return signer;
}

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

/** The one line a person sees when the service or the CLI cannot start; undefined for anything unexpected. */
export function startupFailureLine(error: unknown): string | undefined {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  if (error instanceof StartupError) return `Cannot start: ${error.setting}: ${error.message}`;
  if (error instanceof DataDirectoryError) return `Cannot start: DATA_DIR: ${error.message}`;
  return undefined;
}

async function reach<T>(setting: string, url: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message?.split('\n')[0];
    throw new StartupError(setting, `cannot reach ${describeUrl(url)} (${reason})`);
  }
}
