import { Pool } from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ConfigError, describeUrl, storageMode, type AppConfig, type StorageMode } from './config/config';
import { createDataSource, migrate } from './database/data-source';
import { DataDirectoryError, startEmbeddedPostgres, type EmbeddedPostgres } from './database/embedded-postgres';
import { StoreOrderBrokenError } from './event-store/errors';
import { EventSchemas, type EventDefinition } from './event-store/event-schemas';
import type { EventStore, EventStoreAdapter } from './event-store/event-store.port';
import { EventStoreDbEventStoreAdapter } from './event-store/eventstoredb/eventstoredb-event-store.adapter';
import { GuardedEventStore } from './event-store/guarded-event-store';
import { ownEventFilter } from './event-store/own-events';
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

/** Storage opened and ready: the guarded event store, the read-model database and the projections to run on it. */
export interface Infrastructure {
  readonly config: AppConfig;
  readonly mode: StorageMode;
  readonly eventSchemas: EventSchemas;
  readonly eventStore: EventStore;
  readonly dataSource: DataSource;
  readonly projections: readonly Projection[];
  readonly runner: ProjectionRunner;
  /** The embedded database's socket URL, when this process serves it (a projection worker it forks connects there). */
  readonly embeddedUrl?: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  readonly logger?: Logger;
  /** Every event type the store accepts (the privacy guard refuses any other). */
  readonly events: readonly EventDefinition[];
  /** The projections to run on this storage; the composition root gathers them from the modules. */
  readonly projections: (eventSchemas: EventSchemas) => Projection[];
  /** The embedded database another process of this service serves (its projection worker's parent): used instead of starting one. */
  readonly embeddedUrl?: string;
}

/**
 * Opens storage the way the configuration asks: embedded PGlite (neither URL), a PostgreSQL server
 * (DATABASE_URL) or EventStoreDB for events (EVENTSTORE_CONNECTION_STRING) with PostgreSQL read models.
 * Knows no module: the event types and projections are handed in (src/composition/open-infrastructure.ts).
 */
export async function openStorage(config: AppConfig, options: StorageOptions): Promise<Infrastructure> {
  const mode = storageMode(config);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    let url = config.databaseUrl || options.embeddedUrl;
    let embeddedUrl: string | undefined;
    if (!url) {
      const embedded: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: config.dataDir });
      closers.push(() => embedded.stop());
      url = embeddedUrl = embedded.url;
      options.logger?.info({ dataDir: config.dataDir }, 'embedded PostgreSQL (PGlite) started');
    }
    const dataSource = createDataSource(url);
    await reach('DATABASE_URL', url, () => dataSource.initialize());
    closers.push(() => dataSource.destroy());
    await migrate(dataSource);

    const eventSchemas = new EventSchemas(options.events);
    let adapter: EventStoreAdapter;
    if (config.eventStoreConnectionString) {
      // A cluster may be shared: only events that could have passed the privacy guard are read.
      const ownEvent = ownEventFilter(eventSchemas, (skipped) =>
        options.logger?.error(skipped, "an event of a registered type is not this application's (stream, envelope or data): skipped by every reader"),
      );
      adapter = new EventStoreDbEventStoreAdapter(config.eventStoreConnectionString, { ownEvent, readTimeoutMs: config.eventStoreReadTimeoutMs });
      closers.push(() => adapter.close());
      await reach('EVENTSTORE_CONNECTION_STRING', config.eventStoreConnectionString, () => adapter.initialise());
    } else {
      const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
      pool.on('error', (error) => options.logger?.warn({ err: error.message }, 'idle event-store connection failed'));
      closers.push(() => pool.end());
      adapter = new PostgresEventStoreAdapter(pool);
      await reach('DATABASE_URL', url, () => adapter.initialise());
    }

    const eventStore = new GuardedEventStore(adapter, eventSchemas);
    const projections = options.projections(eventSchemas);
    return { config, mode, eventSchemas, eventStore, dataSource, projections, runner: new ProjectionRunner(eventStore, dataSource), embeddedUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
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
    if (error instanceof StoreOrderBrokenError) throw new StartupError(setting, error.message);
    const reason = (error as { code?: string }).code ?? (error as Error).message?.split('\n')[0];
    throw new StartupError(setting, `cannot reach ${describeUrl(url)} (${reason})`);
  }
}
