import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data balikan waiting for the registry: the values only ever sealed (AES-256-GCM) and the row deleted
 * once the registry acknowledges. balikan_index finds a balikan's access; balikan_idempotency answers a
 * repeated Idempotency-Key (a UUID) with the same balikan. None of these hold a value in clear.
 */
export class BalikanOutbox1764460800000 implements MigrationInterface {
  name = 'BalikanOutbox1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE balikan_outbox (
        balikan_id uuid PRIMARY KEY,
        access_id uuid NOT NULL,
        sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        lease_until timestamptz
      )`);
    await q.query(`CREATE INDEX balikan_outbox_due ON balikan_outbox (next_attempt_at)`);
    await q.query(`CREATE TABLE balikan_index (balikan_id uuid PRIMARY KEY, access_id uuid NOT NULL, facility_id uuid NOT NULL)`);
    await q.query(
      `CREATE TABLE balikan_idempotency (operator_id uuid NOT NULL, idempotency_key uuid NOT NULL, balikan_id uuid NOT NULL, PRIMARY KEY (operator_id, idempotency_key))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE balikan_idempotency; DROP TABLE balikan_index; DROP TABLE balikan_outbox');
  }
}
