import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An outbox row becomes claimable only once its BalikanSubmitted is stored: written not ready before the
 * append, marked ready after it (or by the sweeper, which finds the event). Rows of earlier versions were
 * written the old way; they stay claimable and the worker checks their event before sending.
 * balikan_idempotency goes: a repeated Idempotency-Key now names the same balikanId by construction.
 */
export class BalikanReady1764720000100 implements MigrationInterface {
  name = 'BalikanReady1764720000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE balikan_outbox ADD COLUMN ready boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE balikan_outbox ALTER COLUMN ready SET DEFAULT false`);
    await q.query(`DROP INDEX balikan_outbox_due`);
    await q.query(`CREATE INDEX balikan_outbox_due ON balikan_outbox (next_attempt_at) WHERE ready`);
    await q.query(`CREATE INDEX balikan_outbox_not_ready ON balikan_outbox (created_at) WHERE NOT ready`);
    await q.query(`DROP TABLE balikan_idempotency`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE balikan_idempotency (operator_id uuid NOT NULL, idempotency_key uuid NOT NULL, balikan_id uuid NOT NULL, PRIMARY KEY (operator_id, idempotency_key))`,
    );
    await q.query(`DROP INDEX balikan_outbox_not_ready`);
    await q.query(`DROP INDEX balikan_outbox_due`);
    await q.query(`CREATE INDEX balikan_outbox_due ON balikan_outbox (next_attempt_at)`);
    await q.query(`ALTER TABLE balikan_outbox DROP COLUMN ready`);
  }
}
