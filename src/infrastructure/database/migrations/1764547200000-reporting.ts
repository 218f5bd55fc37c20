import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the reporting module, built by the `reporting` projection (and emptied by its
 * rebuild), plus the archive of submitted report PDFs. Counts and opaque ids only.
 */
export class Reporting1764547200000 implements MigrationInterface {
  name = 'Reporting1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_facilities (
        facility_id uuid PRIMARY KEY,
        kind text NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        kecamatan_code text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE report_agreements (
        agreement_id uuid PRIMARY KEY,
        dukcapil_number text NOT NULL,
        dinkes_number text NOT NULL,
        signed_on date NOT NULL,
        valid_from date NOT NULL,
        valid_until date NOT NULL,
        addenda jsonb NOT NULL DEFAULT '[]',
        termination_reason text,
        terminated_on date,
        signed_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE report_utilisation (
        facility_id uuid NOT NULL,
        month char(7) NOT NULL,
        channel text NOT NULL,
        outcome text NOT NULL,
        holder_origin text NOT NULL,
        accesses bigint NOT NULL,
        PRIMARY KEY (facility_id, month, channel, outcome, holder_origin)
      )`);
    await q.query('CREATE INDEX report_utilisation_month ON report_utilisation (month)');
    // One row per access: what the balikan obligation of Pasal 3(2)(b) is counted on, with its age.
    await q.query(`
      CREATE TABLE report_accesses (
        access_id uuid PRIMARY KEY,
        facility_id uuid NOT NULL,
        month char(7) NOT NULL,
        occurred_at timestamptz NOT NULL,
        owes_balikan boolean NOT NULL,
        balikan_pending integer NOT NULL DEFAULT 0,
        balikan_delivered integer NOT NULL DEFAULT 0,
        balikan_abandoned integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX report_accesses_backlog ON report_accesses (facility_id, occurred_at) WHERE owes_balikan AND balikan_delivered = 0`);
    // Accesses per Puskesmas and month by balikan state, kept in step with report_accesses so reports never scan it.
    await q.query(`
      CREATE TABLE report_balikan_monthly (
        facility_id uuid NOT NULL,
        month char(7) NOT NULL,
        owed bigint NOT NULL DEFAULT 0,
        submitted bigint NOT NULL DEFAULT 0,
        delivered bigint NOT NULL DEFAULT 0,
        abandoned bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (facility_id, month)
      )`);
    await q.query(`
      CREATE TABLE report_refusals (
        day date NOT NULL,
        facility_id uuid NOT NULL,
        reason text NOT NULL,
        refusals bigint NOT NULL,
        PRIMARY KEY (day, facility_id, reason)
      )`);
    await q.query(`
      CREATE TABLE report_operator_daily (
        operator_id uuid NOT NULL,
        day date NOT NULL,
        facility_id uuid NOT NULL,
        accesses bigint NOT NULL DEFAULT 0,
        refusals bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (operator_id, day, facility_id)
      )`);
    await q.query('CREATE INDEX report_operator_daily_day ON report_operator_daily (day)');
    await q.query(`
      CREATE TABLE report_card_readers (
        reader_id uuid PRIMARY KEY,
        facility_id uuid NOT NULL,
        registered_at timestamptz NOT NULL,
        retired_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE report_fingerprints (
        facility_id uuid NOT NULL,
        reader_id uuid NOT NULL,
        month char(7) NOT NULL,
        fingerprint text NOT NULL,
        reads bigint NOT NULL,
        PRIMARY KEY (facility_id, reader_id, month, fingerprint)
      )`);
    await q.query(`
      CREATE TABLE report_submissions (
        year integer NOT NULL,
        semester integer NOT NULL,
        revision integer NOT NULL,
        pdf_sha256 text NOT NULL,
        submitted_at timestamptz NOT NULL,
        submitted_by uuid NOT NULL,
        due_on date NOT NULL,
        on_time boolean NOT NULL,
        PRIMARY KEY (year, semester, revision)
      )`);
    await q.query(`
      CREATE TABLE report_evaluations (
        evaluation_id uuid PRIMARY KEY,
        kind text NOT NULL,
        year integer,
        semester integer,
        auditor_id uuid NOT NULL,
        findings jsonb NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    // Not a projection: the exact bytes handed in, so anyone can re-check the digest later.
    await q.query(`
      CREATE TABLE report_archive (
        pdf_sha256 text PRIMARY KEY,
        year integer NOT NULL,
        semester integer NOT NULL,
        pdf bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'report_archive',
      'report_evaluations',
      'report_submissions',
      'report_fingerprints',
      'report_card_readers',
      'report_operator_daily',
      'report_refusals',
      'report_balikan_monthly',
      'report_accesses',
      'report_utilisation',
      'report_agreements',
      'report_facilities',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
