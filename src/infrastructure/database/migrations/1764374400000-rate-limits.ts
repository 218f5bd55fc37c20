import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Counters of lookups per operator per hour, shared by every instance (mutable, no personal data). */
export class RateLimits1764374400000 implements MigrationInterface {
  name = 'RateLimits1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE rate_limit_counters (operator_id uuid NOT NULL, window_start timestamptz NOT NULL, used integer NOT NULL, PRIMARY KEY (operator_id, window_start))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limit_counters');
  }
}
