/**
 * Keeps each connection's extended-protocol sequence (Parse, Bind, Describe, Execute ... Sync) together
 * on PGlite's single backend session.
 *
 * Why: @electric-sql/pglite-socket 0.2.17 queues every protocol message on its own. All socket
 * connections share ONE PGlite session, so with two connections busy, connection A's Parse can be
 * followed by connection B's Parse and then A's Bind, which binds A's parameters to B's statement
 * ("bind message supplies 3 parameters, but prepared statement "" requires 10" — seen in our contract
 * suite). It also stops its queue for good after one failed message. This replaces its queue processing:
 * a connection that is inside a sequence or a transaction keeps the session until its Sync (or the end
 * of its transaction); nobody else's message runs in between.
 *
 * It relies on the internals of the exact pinned version; `install` refuses to run on anything else.
 */
import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

/** Message types that open or continue a sequence the backend only completes at Sync. */
const IN_SEQUENCE = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

export function keepProtocolSequencesTogether(server: unknown): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (
    !queue ||
    !Array.isArray(queue.queue) ||
    typeof queue.processQueue !== 'function' ||
    typeof queue.clearTransactionIfNeeded !== 'function' ||
    typeof queue.db?.execProtocolRawStream !== 'function'
  ) {
    throw new Error('@electric-sql/pglite-socket internals changed: review pglite-protocol-sequences.ts before upgrading');
  }
  const db = queue.db;
  /** The connection holding the session mid-sequence, if any. */
  let owner: number | null = null;
  /** The message being executed now, settled only after the bookkeeping that follows it. */
  let running: { handlerId: number; done: Promise<void> } | null = null;
  /** Connections that went away; they must not be handed the session again. */
  const closed = new Set<number>();

  queue.processQueue = async function processQueue(): Promise<void> {
    if (queue.processing) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const holder = owner ?? (db.isInTransaction() ? queue.lastHandlerId : null);
        const index = holder === null ? 0 : queue.queue.findIndex((m) => m.handlerId === holder);
        if (index === -1) break; // wait for the holder's next message; its enqueue restarts processing
        const item = queue.queue.splice(index, 1)[0]!;
        let finished!: () => void;
        running = { handlerId: item.handlerId, done: new Promise<void>((resolve) => (finished = resolve)) };
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          queue.lastHandlerId = item.handlerId;
          owner = IN_SEQUENCE.has(item.message[0]!) && !closed.has(item.handlerId) ? item.handlerId : null;
          item.resolve(bytes);
        } catch (error) {
          owner = null;
          item.reject(error);
        } finally {
          running = null;
          finished();
        }
      }
    } finally {
      queue.processing = false;
    }
  };

  const clearTransaction = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId: number): Promise<void> => {
    closed.add(handlerId);
    try {
      // A message of the departing connection may still be executing: decide only once it has finished.
      if (running?.handlerId === handlerId) await running.done;
      if (owner === handlerId) {
        // It went away mid-sequence: end its sequence so the session accepts others again.
        owner = null;
        await db.runExclusive(() => db.execProtocolRawStream(SYNC, { onRawData: () => undefined })).catch(() => undefined);
      }
      await clearTransaction(handlerId); // rolls back a transaction it left open
    } finally {
      closed.delete(handlerId); // handler ids are never reused
    }
    await queue.processQueue();
  };
}
