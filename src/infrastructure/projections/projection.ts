import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../event-store/event-store.port';

/**
 * A read model built from the global event order. `apply` receives, in order, the events of one batch
 * whose type it handles, inside the transaction that also moves its checkpoint: it must do all its
 * writes through `tx` and nothing else (no other connection, no I/O outside the database).
 */
export interface Projection {
  readonly name: string;
  /** Event types applied; '*' for every event in the log. */
  readonly handles: readonly string[];
  /** Receive events as stored rather than upcast (the notary, which must hash exactly what was written). */
  readonly readsStoredForm?: boolean;
  /** Events per batch (and transaction) when the caller does not say; 1,000 otherwise. */
  readonly batchSize?: number;
  apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /** Empties the read model, for a rebuild from position zero. Runs in the same transaction as the checkpoint reset. */
  reset(tx: EntityManager): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');
