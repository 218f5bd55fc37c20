import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { START, comparePositions, type EventStore, type LogPosition } from '../event-store/event-store.port';
import type { Projection } from './projection';

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Return once the projection has reached the end of the store (CLI rebuild, tests). */
  readonly untilCaughtUp?: boolean;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Called after each committed batch. */
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
}

/** Projections this process is running, per database. */
const claimed = new Set<string>();

/** Another process moved the checkpoint under us: this batch must not be applied. */
export class CheckpointMovedError extends Error {
  constructor(projection: string) {
    super(`Checkpoint of projection ${projection} moved under this runner; re-reading from the stored checkpoint`);
  }
}

/**
 * Feeds projections from their checkpoints. Each batch is applied and its checkpoint moved in ONE
 * transaction, so a crash at any point leaves the read model and the checkpoint in step: no event lost,
 * none applied twice. A PostgreSQL advisory lock lets one process at a time run a projection; the
 * checkpoint is also compared inside the transaction, so even a lost lock cannot apply a batch twice.
 */
export class ProjectionRunner {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

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
      await this.dataSource.transaction(async (tx) => {
        await projection.reset(tx);
        await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [projection.name]);
      });
      return await this.runLocked(projection, { ...options, untilCaughtUp: true });
    } finally {
      await this.unlock(lock, projection.name);
    }
  }

  async status(name: string): Promise<ProjectionStatus> {
    const rows: { c: string; p: string; n: string; last_event_at: Date | null; updated_at: Date }[] = await this.dataSource.query(
      `SELECT commit_position::text AS c, prepare_position::text AS p, events_handled::text AS n, last_event_at, updated_at
       FROM projection_checkpoints WHERE name = $1`,
      [name],
    );
    const row = rows[0];
    return row
      ? {
          name,
          position: { commit: BigInt(row.c), prepare: BigInt(row.p) },
          eventsHandled: BigInt(row.n),
          lastEventAt: row.last_event_at,
          updatedAt: row.updated_at,
        }
      : { name, position: START, eventsHandled: 0n, lastEventAt: null, updatedAt: null };
  }

  private async runLocked(projection: Projection, options: RunOptions): Promise<RunOutcome> {
    const handles = new Set(projection.handles);
    await this.dataSource.query(
      `INSERT INTO projection_checkpoints (name, commit_position, prepare_position) VALUES ($1, -1, -1) ON CONFLICT (name) DO NOTHING`,
      [projection.name],
    );
    let checkpoint = (await this.status(projection.name)).position;
    const subscription = this.store.subscribeToAll({
      after: checkpoint,
      batchSize: options.batchSize ?? projection.batchSize ?? 1000,
      pollIntervalMs: options.pollIntervalMs,
      signal: options.signal,
      stored: projection.readsStoredForm,
    });
    for await (const batch of subscription) {
      if (batch.events.length > 0) {
        const handled = handles.has('*') ? batch.events : batch.events.filter((e) => handles.has(e.type));
        const from = checkpoint;
        await this.dataSource.transaction(async (tx) => {
          await this.expectCheckpoint(tx, projection.name, from);
          if (handled.length > 0) await projection.apply(handled, tx);
          await options.beforeCheckpoint?.();
          const last = batch.events[batch.events.length - 1]!;
          await tx.query(
            `UPDATE projection_checkpoints
             SET commit_position = $2, prepare_position = $3, events_handled = events_handled + $4,
                 last_event_at = $5, updated_at = now()
             WHERE name = $1`,
            [projection.name, batch.position.commit.toString(), batch.position.prepare.toString(), handled.length, last.occurredAt],
          );
        });
        checkpoint = batch.position;
        options.onBatch?.({ handled: handled.length, read: batch.events.length, position: checkpoint });
      }
      if (options.untilCaughtUp && batch.caughtUp) return 'caught-up';
    }
    return 'stopped';
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
