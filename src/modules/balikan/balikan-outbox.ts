import type { DataSource } from 'typeorm';
import type { Sealer } from '../../infrastructure/security/sealing';
import type { BalikanValues } from '../../infrastructure/registry/balikan-client';

export interface Waiting {
  readonly balikanId: string;
  readonly accessId: string;
  readonly sealed: string;
  readonly attempts: number;
  readonly createdAt: Date;
}

export interface SealedContent extends BalikanValues {
  readonly nik: string;
}

/**
 * Balikan waiting for the registry. The NIK and the values exist here only sealed (AES-256-GCM, bound
 * to the row's balikanId) and the row is deleted as soon as the registry acknowledges. A row is claimable
 * only once ready: after its BalikanSubmitted is stored. Rows are claimed
 * with a lease (FOR UPDATE SKIP LOCKED, in a short transaction), so two instances never deliver the
 * same row at once and no transaction stays open during the HTTP call.
 */
export class BalikanOutbox {
  /** Submissions under way in this process, by balikan: from the reserve to the ready mark or the release. */
  private readonly submitting = new Map<string, Set<Promise<unknown>>>();

  constructor(
    private readonly db: DataSource,
    private readonly sealer: Sealer,
  ) {}

  /**
   * Runs one submission's reserve, append and ready mark, known to this process meanwhile: the worker,
   * woken by the stored BalikanSubmitted (during the append), waits for the ready mark (`submitted`)
   * rather than find the row not yet claimable and sleep until its next pass.
   */
  async whileSubmitting<T>(balikanId: string, submission: () => Promise<T>): Promise<T> {
    const running = Promise.resolve().then(submission);
    const under = this.submitting.get(balikanId) ?? new Set<Promise<unknown>>();
    under.add(running);
    this.submitting.set(balikanId, under);
    try {
      return await running;
    } finally {
      under.delete(running);
      if (under.size === 0) this.submitting.delete(balikanId);
    }
  }

  /** Resolves once no submission of this balikan is under way in this process (at once if none is). */
  async submitted(balikanId: string): Promise<void> {
    await Promise.allSettled([...(this.submitting.get(balikanId) ?? [])]);
  }

  seal(balikanId: string, content: SealedContent): string {
    return this.sealer.seal(JSON.stringify(content), balikanId);
  }

  open(row: Waiting): SealedContent {
    return JSON.parse(this.sealer.open(row.sealed, row.balikanId)) as SealedContent;
  }

  /**
   * Before the append: the sealed row, NOT ready (no worker claims it), and its index entry. A concurrent
   * submission with the same Idempotency-Key (same balikanId) finds them there and changes nothing.
   */
  async reserve(row: { balikanId: string; accessId: string; facilityId: string; sealed: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO balikan_outbox (balikan_id, access_id, sealed, ready) VALUES ($1, $2, $3, false) ON CONFLICT (balikan_id) DO NOTHING`, [
        row.balikanId,
        row.accessId,
        row.sealed,
      ]);
      await tx.query(`INSERT INTO balikan_index (balikan_id, access_id, facility_id) VALUES ($1, $2, $3) ON CONFLICT (balikan_id) DO NOTHING`, [
        row.balikanId,
        row.accessId,
        row.facilityId,
      ]);
    });
  }

  /**
   * After the BalikanSubmitted is stored: the row becomes claimable. An upsert carrying the sealed content,
   * so whichever request gets here marks it; the request whose append recorded the event (`recorded`) also
   * writes its content, so the values sent are those of the recorded kinds.
   */
  async markReady(row: { balikanId: string; accessId: string; facilityId: string; sealed: string; recorded: boolean }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO balikan_outbox (balikan_id, access_id, sealed, ready) VALUES ($1, $2, $3, true)
         ON CONFLICT (balikan_id) DO UPDATE SET ready = true${row.recorded ? ', sealed = EXCLUDED.sealed' : ''}`,
        [row.balikanId, row.accessId, row.sealed],
      );
      await tx.query(`INSERT INTO balikan_index (balikan_id, access_id, facility_id) VALUES ($1, $2, $3) ON CONFLICT (balikan_id) DO NOTHING`, [
        row.balikanId,
        row.accessId,
        row.facilityId,
      ]);
    });
  }

  /** The append failed: drop the reserved row only if still not ready (a concurrent request may have recorded it). */
  async release(balikanId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      // TypeORM answers a DELETE ... RETURNING on PostgreSQL as [rows, affected].
      const [deleted]: [unknown[], number] = await tx.query(`DELETE FROM balikan_outbox WHERE balikan_id = $1 AND NOT ready RETURNING balikan_id`, [balikanId]);
      if (deleted.length > 0) await tx.query(`DELETE FROM balikan_index WHERE balikan_id = $1`, [balikanId]);
    });
  }

  /** Drops a not-ready row reserved by a repeat of a balikan already settled; its index entry stays (the balikan exists). */
  async discardRepeat(balikanId: string): Promise<void> {
    await this.db.query(`DELETE FROM balikan_outbox WHERE balikan_id = $1 AND NOT ready`, [balikanId]);
  }

  /** Rows left not ready for longer than `olderThanSeconds` (a submission that stopped half-way). */
  async stale(olderThanSeconds: number, limit = 100): Promise<{ balikanId: string; accessId: string }[]> {
    const rows: { balikan_id: string; access_id: string }[] = await this.db.query(
      `SELECT balikan_id, access_id FROM balikan_outbox WHERE NOT ready AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((r) => ({ balikanId: r.balikan_id, accessId: r.access_id }));
  }

  /** The sweeper found the event: the row may be sent. */
  async readyIfWaiting(balikanId: string): Promise<void> {
    await this.db.query(`UPDATE balikan_outbox SET ready = true WHERE balikan_id = $1`, [balikanId]);
  }

  /** The sweeper found no event: nothing was accepted, nothing may be sent. */
  async dropUnrecorded(balikanId: string): Promise<void> {
    await this.release(balikanId);
  }

  async indexed(balikanId: string): Promise<{ accessId: string; facilityId: string } | undefined> {
    const rows: { access_id: string; facility_id: string }[] = await this.db.query(`SELECT access_id, facility_id FROM balikan_index WHERE balikan_id = $1`, [
      balikanId,
    ]);
    return rows[0] ? { accessId: rows[0].access_id, facilityId: rows[0].facility_id } : undefined;
  }

  async claimDue(limit: number, leaseSeconds: number): Promise<Waiting[]> {
    type Row = { balikan_id: string; access_id: string; sealed: string; attempts: number; created_at: Date };
    // TypeORM answers an UPDATE ... RETURNING on PostgreSQL as [rows, affected].
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE balikan_outbox SET lease_until = now() + make_interval(secs => $2)
       WHERE balikan_id IN (
         SELECT balikan_id FROM balikan_outbox
         WHERE ready AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING balikan_id, access_id, sealed, attempts, created_at`,
      [limit, leaseSeconds],
    );
    return rows.map((r) => ({ balikanId: r.balikan_id, accessId: r.access_id, sealed: r.sealed, attempts: r.attempts, createdAt: r.created_at }));
  }

  async retryLater(balikanId: string, attempts: number, delayMs: number): Promise<void> {
    await this.db.query(
      `UPDATE balikan_outbox SET attempts = $2, next_attempt_at = now() + make_interval(secs => $3), lease_until = NULL WHERE balikan_id = $1`,
      [balikanId, attempts, delayMs / 1000],
    );
  }

  async delete(balikanId: string): Promise<void> {
    await this.db.query(`DELETE FROM balikan_outbox WHERE balikan_id = $1`, [balikanId]);
  }

  async depth(): Promise<{ rows: number; oldest: Date | null }> {
    const [row]: { n: number; oldest: Date | null }[] = await this.db.query(`SELECT count(*)::int AS n, min(created_at) AS oldest FROM balikan_outbox`);
    return { rows: row!.n, oldest: row!.oldest };
  }
}
