import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who proposed and who confirmed each change of an agreement, and when (the compliance views and the
 * semester report show it). Opaque operator ids only (or SEED, OFFLINE_RECOVERY, UNRECORDED). And the
 * agreement register lists agreements whose signing waits for the other party.
 */
export class AgreementChanges1764720000000 implements MigrationInterface {
  name = 'AgreementChanges1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_agreement_changes (
        agreement_id uuid NOT NULL,
        seq bigint NOT NULL,
        change_id uuid,
        change text NOT NULL,
        detail text NOT NULL,
        status text NOT NULL,
        proposed_by text NOT NULL,
        proposed_at timestamptz,
        confirmed_by text,
        confirmed_at timestamptz,
        rejected_by text,
        rejected_at timestamptz,
        PRIMARY KEY (agreement_id, seq)
      )`);
    await q.query(`CREATE UNIQUE INDEX report_agreement_changes_change ON report_agreement_changes (change_id) WHERE change_id IS NOT NULL`);
    // An agreement whose signing one party proposed and the other has not confirmed yet (it grants nothing).
    await q.query(`ALTER TABLE agreement_register ADD COLUMN pending_signing boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agreement_register DROP COLUMN pending_signing`);
    await q.query(`DROP TABLE report_agreement_changes`);
  }
}
