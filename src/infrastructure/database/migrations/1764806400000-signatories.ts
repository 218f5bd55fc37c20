import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signatory register (officials who sign the documents: names and NIPs of public officials, never
 * patients), the letters that sent the Bupati summaries, and the reporting read model's cut-off: the
 * last event its figures count, written in the transaction that counts it.
 */
export class Signatories1764806400000 implements MigrationInterface {
  name = 'Signatories1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_signatories (
        party text NOT NULL,
        seq bigint NOT NULL,
        name text NOT NULL,
        nip text NOT NULL,
        golongan text NOT NULL,
        position text NOT NULL,
        effective_from date NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (party, seq)
      )`);
    await q.query(`
      CREATE TABLE report_bupati_letters (
        year integer NOT NULL,
        semester integer NOT NULL,
        number text NOT NULL,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL,
        PRIMARY KEY (year, semester)
      )`);
    await q.query(`
      CREATE TABLE report_cut_off (
        id smallint PRIMARY KEY CHECK (id = 1),
        event_id uuid NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['report_cut_off', 'report_bupati_letters', 'report_signatories']) await q.query(`DROP TABLE ${table}`);
  }
}
