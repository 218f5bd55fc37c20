import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access module's tables. Read models (rebuildable from events): agreement_register,
 * facility_register, card_reader_register, operator_register. Mutable, outside the event store and
 * erasable: operator_accounts (login name, argon2id hash), operator_profiles (a person's details), sessions.
 */
export class AccessRegisters1764288000000 implements MigrationInterface {
  name = 'AccessRegisters1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agreement_register (
        agreement_id uuid PRIMARY KEY,
        dukcapil_number text NOT NULL,
        dinkes_number text NOT NULL,
        signed_on date NOT NULL,
        valid_from date NOT NULL,
        valid_until date NOT NULL,
        granted_fields text[] NOT NULL,
        addenda jsonb NOT NULL DEFAULT '[]',
        termination_reason text,
        terminated_on date
      )`);
    await q.query(`
      CREATE TABLE facility_register (
        facility_id uuid PRIMARY KEY,
        kind text NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        kecamatan_code text NOT NULL,
        registered_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX facility_register_code ON facility_register (code)`);
    await q.query(`
      CREATE TABLE card_reader_register (
        reader_id uuid PRIMARY KEY,
        facility_id uuid NOT NULL,
        sam_serial text NOT NULL,
        retired_at timestamptz,
        registered_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE operator_register (
        operator_id uuid PRIMARY KEY,
        facility_id uuid,
        role text NOT NULL,
        status text NOT NULL,
        locked_until timestamptz,
        enrolled_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE operator_accounts (
        operator_id uuid PRIMARY KEY,
        user_id text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE operator_profiles (
        operator_id uuid PRIMARY KEY,
        display_name text,
        nip text,
        phone text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        operator_id uuid NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_operator ON sessions (operator_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'sessions',
      'operator_profiles',
      'operator_accounts',
      'operator_register',
      'card_reader_register',
      'facility_register',
      'agreement_register',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
