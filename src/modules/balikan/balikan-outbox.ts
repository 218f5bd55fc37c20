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
 * to the row's balikanId) and the row is deleted as soon as the registry acknowledges. Rows are claimed
 * with a lease (FOR UPDATE SKIP LOCKED, in a short transaction), so two instances never deliver the
 * same row at once and no transaction stays open during the HTTP call.
 */
export class BalikanOutbox {
  constructor(
    private readonly db: DataSource,
    private readonly sealer: Sealer,
  ) {}

  seal(balikanId: string, content: SealedContent): string {
    return this.sealer.seal(JSON.stringify(content), balikanId);
  }

  open(row: Waiting): SealedContent {
    return JSON.parse(this.sealer.open(row.sealed, row.balikanId)) as SealedContent;
  }

  /** The outbox row, its index entry and the idempotency key, in one transaction. */
  async add(row: { balikanId: string; accessId: string; facilityId: string; operatorId: string; idempotencyKey?: string; sealed: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO balikan_outbox (balikan_id, access_id, sealed) VALUES ($1, $2, $3)`, [row.balikanId, row.accessId, row.sealed]);
      await tx.query(`INSERT INTO balikan_index (balikan_id, access_id, facility_id) VALUES ($1, $2, $3)`, [row.balikanId, row.accessId, row.facilityId]);
      if (row.idempotencyKey) {
        await tx.query(`INSERT INTO balikan_idempotency (operator_id, idempotency_key, balikan_id) VALUES ($1, $2, $3)`, [row.operatorId, row.idempotencyKey, row.balikanId]);
      }
    });
  }

  /** Undoes `add` when the event could not be recorded: nothing was acknowledged to the caller. */
  async remove(balikanId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM balikan_idempotency WHERE balikan_id = $1`, [balikanId]);
      await tx.query(`DELETE FROM balikan_index WHERE balikan_id = $1`, [balikanId]);
      await tx.query(`DELETE FROM balikan_outbox WHERE balikan_id = $1`, [balikanId]);
    });
  }

  async byIdempotencyKey(operatorId: string, key: string): Promise<string | undefined> {
    const rows: { balikan_id: string }[] = await this.db.query(`SELECT balikan_id FROM balikan_idempotency WHERE operator_id = $1 AND idempotency_key = $2`, [operatorId, key]);
    return rows[0]?.balikan_id;
  }

  async indexed(balikanId: string): Promise<{ accessId: string; facilityId: string } | undefined> {
    const rows: { access_id: string; facility_id: string }[] = await this.db.query(`SELECT access_id, facility_id FROM balikan_index WHERE balikan_id = $1`, [balikanId]);
    return rows[0] ? { accessId: rows[0].access_id, facilityId: rows[0].facility_id } : undefined;
  }

  async claimDue(limit: number, leaseSeconds: number): Promise<Waiting[]> {
    type Row = { balikan_id: string; access_id: string; sealed: string; attempts: number; created_at: Date };
    // TypeORM answers an UPDATE ... RETURNING on PostgreSQL as [rows, affected].
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE balikan_outbox SET lease_until = now() + make_interval(secs => $2)
       WHERE balikan_id IN (
         SELECT balikan_id FROM balikan_outbox
         WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
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
