import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { START, comparePositions, type EventBatch, type EventStore, type LogPosition } from '../event-store/event-store.port';
import type { Projection } from './projection';

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Return once the projection has reached the end of the store (CLI rebuild, tests). */
  readonly untilCaughtUp?: boolean;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Once caught up, read the store at most this often (the subscription's default when not given). */
  readonly minReadIntervalMs?: number;
  /**
   * Once caught up, how long the stored checkpoint may trail the events read but not handled (default 1 s;
   * kept under the 2 s a report waits for the reporting projection to catch up, for another instance's sake).
   */
  readonly checkpointEveryMs?: number;
  /**
   * Called after each batch: once its transaction committed, or, for a batch with nothing to handle (which
   * commits nothing), once its position is remembered; that position is stored with the next batch that
   * has something to handle, once caught up (at most `checkpointEveryMs` later), or when the run ends.
   */
  readonly onBatch?: (progress: { handled: number; read: number; position: LogPosition }) => void;
  /** Called inside each batch's transaction after `apply`, before the checkpoint moves (the crash test dies here). */
  readonly beforeCheckpoint?: () => Promise<void>;
}

export type RunOutcome = 'caught-up' | 'stopped' | 'locked';

export interface ProjectionStatus {
  readonly name: string;
  readonly position: LogPosition;
  readonly eventsHandled: bigint;
  readonly lastEventAt: Date | null;
  readonly updatedAt: Date | null;
  /** Why the runner refuses to continue from the stored checkpoint (see CheckpointNotInStoreError), or null. */
  readonly refused: CheckpointRefusal | null;
}

/**
 * PAST_END: the store ends before the checkpoint (a restored older backup, a new cluster or database).
 * OTHER_EVENT: the checkpoint's position holds another event than the one read there, or none.
 */
export type CheckpointRefusal = 'PAST_END' | 'OTHER_EVENT';

/** Projections this process is running, per database. */
const claimed = new Set<string>();

const CHECKPOINT_EVERY_MS = 1000;
/** The flush timer won the race against the next batch. */
const FLUSH_DUE = Symbol('flush due');

/** Events read past the stored checkpoint, none of them handled: the read model is already current up to here. */
interface Unstored {
  readonly position: LogPosition;
  readonly lastEventAt: Date;
  /** The event at `position`. */
  readonly eventId: string;
}

/** Another process moved the checkpoint under us: this batch must not be applied. */
export class CheckpointMovedError extends Error {
  constructor(projection: string) {
    super(`Checkpoint of projection ${projection} moved under this runner; re-reading from the stored checkpoint`);
  }
}

/**
 * The stored checkpoint does not lie in the store being read: continuing would skip every event below it
 * that this store holds and the read model lacks. The runner refuses until the read model is rebuilt
 * (`npm run cli -- projections:rebuild <name>`). The message holds no event data, only positions.
 */
export class CheckpointNotInStoreError extends Error {
  constructor(
    readonly projection: string,
    readonly reason: CheckpointRefusal,
  ) {
    super(
      reason === 'PAST_END'
        ? `Projection ${projection}: its checkpoint lies past the end of the event store (restored from an older backup, or a new store?). Not running it: rebuild it with "npm run cli -- projections:rebuild ${projection}" once the store is the right one.`
        : `Projection ${projection}: the event store holds another event at its checkpoint than the one it read there (a different store or a restored backup?). Not running it: rebuild it with "npm run cli -- projections:rebuild ${projection}" once the store is the right one.`,
    );
  }
}

/**
 * Feeds projections from their checkpoints. Each batch is applied and its checkpoint moved in ONE
 * transaction, so a crash at any point leaves the read model and the checkpoint in step: no event lost,
 * none applied twice. A PostgreSQL advisory lock lets one process at a time run a projection; the
 * checkpoint is also compared inside the transaction, so even a lost lock cannot apply a batch twice.
 * A batch with nothing to handle opens no transaction: its position is stored later (see `onBatch`), and
 * meanwhile `status` in this process reports it, as the read model is current up to there.
 */
export class ProjectionRunner {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  /** Per projection running here: the position read past its stored checkpoint, not yet stored. */
  private readonly unstored = new Map<string, Unstored>();

  /** Runs until aborted, or until caught up with `untilCaughtUp`. Returns 'locked' if another process runs it. */
  async run(projection: Projection, options: RunOptions = {}): Promise<RunOutcome> {
    const lock = await this.tryLock(projection.name);
    if (!lock) return 'locked';
    try {
      return await this.runLocked(projection, options);
    } finally {
      await this.unlock(lock, projection.name);
    }
  }

  /** Empties the read model and replays every event into it. */
  async rebuild(projection: Projection, options: Omit<RunOptions, 'untilCaughtUp'> = {}): Promise<RunOutcome> {
    const lock = await this.tryLock(projection.name);
    if (!lock) return 'locked';
    try {
      this.unstored.delete(projection.name);
      await this.dataSource.transaction(async (tx) => {
        await projection.reset(tx);
        await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [projection.name]);
      });
      return await this.runLocked(projection, { ...options, untilCaughtUp: true });
    } finally {
      await this.unlock(lock, projection.name);
    }
  }

  /** As stored, except that a projection running in this process is at the position it has read, when further. */
  async status(name: string): Promise<ProjectionStatus> {
    const stored = await this.storedStatus(name);
    const unstored = this.unstored.get(name);
    return unstored && comparePositions(unstored.position, stored.position) > 0
      ? { ...stored, position: unstored.position, lastEventAt: unstored.lastEventAt }
      : stored;
  }

  private async storedStatus(name: string): Promise<ProjectionStatus> {
    return (await this.storedCheckpoint(name)).status;
  }

  private async storedCheckpoint(name: string): Promise<{ status: ProjectionStatus; lastEventId: string | null }> {
    const rows: { c: string; p: string; n: string; last_event_at: Date | null; updated_at: Date; last_event_id: string | null; refused: string | null }[] =
      await this.dataSource.query(
        `SELECT commit_position::text AS c, prepare_position::text AS p, events_handled::text AS n, last_event_at, updated_at, last_event_id, refused
         FROM projection_checkpoints WHERE name = $1`,
        [name],
      );
    const row = rows[0];
    return row
      ? {
          status: {
            name,
            position: { commit: BigInt(row.c), prepare: BigInt(row.p) },
            eventsHandled: BigInt(row.n),
            lastEventAt: row.last_event_at,
            updatedAt: row.updated_at,
            refused: row.refused as CheckpointRefusal | null,
          },
          lastEventId: row.last_event_id,
        }
      : { status: { name, position: START, eventsHandled: 0n, lastEventAt: null, updatedAt: null, refused: null }, lastEventId: null };
  }

  /**
   * Whether the stored checkpoint lies in the store being read: the store reaches it, and holds at its
   * position the event read there (checkpoints stored before that event was recorded: the first check only).
   */
  private async checkpointProblem(checkpoint: LogPosition, lastEventId: string | null): Promise<CheckpointRefusal | undefined> {
    if (comparePositions(checkpoint, START) <= 0) return undefined;
    if (comparePositions(await this.store.headPosition(checkpoint), checkpoint) < 0) return 'PAST_END';
    if (lastEventId === null) return undefined;
    return (await this.store.eventAt(checkpoint))?.eventId === lastEventId ? undefined : 'OTHER_EVENT';
  }

  /** Refuses (and records why, for operators) to run from a checkpoint the store does not hold; clears an earlier refusal. */
  private async verifyCheckpoint(name: string, stored: { status: ProjectionStatus; lastEventId: string | null }): Promise<void> {
    const problem = await this.checkpointProblem(stored.status.position, stored.lastEventId);
    if (problem !== stored.status.refused)
      await this.dataSource.query(`UPDATE projection_checkpoints SET refused = $2 WHERE name = $1`, [name, problem ?? null]);
    if (problem) throw new CheckpointNotInStoreError(name, problem);
  }

  private async runLocked(projection: Projection, options: RunOptions): Promise<RunOutcome> {
    const name = projection.name;
    const handles = new Set(projection.handles);
    const checkpointEveryMs = options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
    await this.dataSource.query(
      `INSERT INTO projection_checkpoints (name, commit_position, prepare_position) VALUES ($1, -1, -1) ON CONFLICT (name) DO NOTHING`,
      [name],
    );
    const stored = await this.storedCheckpoint(name);
    await this.verifyCheckpoint(name, stored);
    let checkpoint = stored.status.position;
    let storedAt = -Infinity; // when this run last stored the checkpoint
    let caughtUp = false;
    const flush = async () => {
      const unstored = this.unstored.get(name);
      if (!unstored) return;
      await this.moveCheckpoint(name, checkpoint, unstored);
      checkpoint = unstored.position;
      storedAt = Date.now();
      this.unstored.delete(name);
    };
    const subscription = this.store.subscribeToAll({
      after: checkpoint,
      batchSize: options.batchSize ?? projection.batchSize ?? 1000,
      pollIntervalMs: options.pollIntervalMs,
      minReadIntervalMs: options.minReadIntervalMs,
      signal: options.signal,
      stored: projection.readsStoredForm,
    });
    const iterator = subscription[Symbol.asyncIterator]();
    let next: Promise<IteratorResult<EventBatch>> | undefined;
    try {
      for (;;) {
        next ??= iterator.next();
        // Caught up with a position to store: store it when due, unless a batch comes first.
        const result: IteratorResult<EventBatch> | typeof FLUSH_DUE =
          caughtUp && this.unstored.has(name) ? await within(next, storedAt + checkpointEveryMs - Date.now()) : await next;
        if (result === FLUSH_DUE) {
          await flush();
          continue;
        }
        next = undefined;
        if (result.done) break;
        const batch: EventBatch = result.value;
        caughtUp = batch.caughtUp;
        if (batch.events.length > 0) {
          const handled = handles.has('*') ? batch.events : batch.events.filter((e) => handles.has(e.type));
          const last = batch.events[batch.events.length - 1]!;
          if (handled.length > 0) {
            const from = checkpoint;
            await this.dataSource.transaction(async (tx) => {
              await this.expectCheckpoint(tx, name, from);
              await projection.apply(handled, tx);
              await options.beforeCheckpoint?.();
              await tx.query(
                `UPDATE projection_checkpoints
                 SET commit_position = $2, prepare_position = $3, events_handled = events_handled + $4,
                     last_event_at = $5, last_event_id = $6, updated_at = now()
                 WHERE name = $1`,
                [name, batch.position.commit.toString(), batch.position.prepare.toString(), handled.length, last.occurredAt, last.eventId],
              );
            });
            checkpoint = batch.position; // past any unhandled events read before: they changed nothing
            storedAt = Date.now();
            this.unstored.delete(name);
          } else {
            this.unstored.set(name, { position: batch.position, lastEventAt: last.occurredAt, eventId: last.eventId });
            if (batch.caughtUp && Date.now() - storedAt >= checkpointEveryMs) await flush();
          }
          options.onBatch?.({ handled: handled.length, read: batch.events.length, position: batch.position });
        }
        if (options.untilCaughtUp && batch.caughtUp) {
          await flush();
          return 'caught-up';
        }
      }
      await flush().catch(() => undefined); // stopping: if this fails, the unhandled events are merely read again
      return 'stopped';
    } finally {
      this.unstored.delete(name);
      if (next) {
        // Ended by an error while the subscription was still reading: let that read finish unobserved.
        next.catch(() => undefined);
        void iterator.return?.(undefined).catch(() => undefined);
      } else {
        await iterator.return?.(undefined);
      }
    }
  }

  /**
   * Stores the position of events read but not handled: one compare-and-set statement, no transaction, as
   * no read model changes with it. Moved by another process meanwhile: refused like a batch would be.
   */
  private async moveCheckpoint(name: string, from: LogPosition, to: Unstored): Promise<void> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `WITH moved AS (
         UPDATE projection_checkpoints SET commit_position = $2, prepare_position = $3, last_event_at = $4, last_event_id = $7, updated_at = now()
         WHERE name = $1 AND commit_position = $5 AND prepare_position = $6 RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
      [name, to.position.commit.toString(), to.position.prepare.toString(), to.lastEventAt, from.commit.toString(), from.prepare.toString(), to.eventId],
    );
    if (n !== 1) throw new CheckpointMovedError(name);
  }

  private async expectCheckpoint(tx: EntityManager, name: string, expected: LogPosition): Promise<void> {
    const rows: { c: string; p: string }[] = await tx.query(
      `SELECT commit_position::text AS c, prepare_position::text AS p FROM projection_checkpoints WHERE name = $1 FOR UPDATE`,
      [name],
    );
    const stored = rows[0] ? { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) } : START;
    if (comparePositions(stored, expected) !== 0) throw new CheckpointMovedError(name);
  }

  /**
   * A session-level advisory lock, held on its own connection for as long as the projection runs, plus
   * an in-process claim: on PGlite every connection shares one session, where an advisory lock is
   * granted again to whoever asks, so within a process the claim is what keeps runners apart.
   */
  private async tryLock(name: string): Promise<QueryRunner | undefined> {
    const claim = `${String((this.dataSource.options as { url?: string }).url)}|${name}`;
    if (claimed.has(claim)) return undefined;
    claimed.add(claim);
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [`projection:${name}`]);
      if (locked) return Object.assign(runner, { claim });
    } catch (error) {
      claimed.delete(claim);
      await runner.release().catch(() => undefined);
      throw error;
    }
    claimed.delete(claim);
    await runner.release();
    return undefined;
  }

  private async unlock(runner: QueryRunner, name: string): Promise<void> {
    await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`projection:${name}`]).catch(() => undefined);
    claimed.delete((runner as QueryRunner & { claim: string }).claim);
    await runner.release();
  }
}

/** The work's result, or FLUSH_DUE if `ms` passed first (at once when not positive); the work goes on either way. */
function within<T>(work: Promise<T>, ms: number): Promise<T | typeof FLUSH_DUE> {
  let timer: NodeJS.Timeout | undefined;
  const due = new Promise<typeof FLUSH_DUE>((resolve) => (timer = setTimeout(() => resolve(FLUSH_DUE), Math.max(0, ms))));
  return Promise.race([work, due]).finally(() => clearTimeout(timer));
}
