import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each checkpoint names the event at its position (the last one the projection read), so a run can check
 * that the store it reads is the one the checkpoint was taken on: after a restore from an older backup or
 * on a new cluster the position holds another event or none, and continuing would silently skip events.
 * `refused` says why the runner refuses to continue (operators see it in metrics and `projections:list`),
 * until `projections:rebuild` starts the read model again from the store as it is.
 */
export class CheckpointEvents1764979200000 implements MigrationInterface {
  name = 'CheckpointEvents1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_checkpoints ADD COLUMN last_event_id uuid, ADD COLUMN refused text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_checkpoints DROP COLUMN refused, DROP COLUMN last_event_id`);
  }
}
