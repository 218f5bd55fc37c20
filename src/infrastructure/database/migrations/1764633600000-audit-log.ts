import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notary's tables: one row per event of the log (its leaf and chain digests), the perfect subtrees
 * of the Merkle tree above the leaves, and the signed checkpoints. Digests and opaque ids only.
 */
export class AuditLog1764633600000 implements MigrationInterface {
  name = 'AuditLog1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_leaves (
        leaf_index bigint PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        leaf_hash bytea NOT NULL,
        chain_hash bytea NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_nodes (
        level smallint NOT NULL,
        node_index bigint NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (level, node_index)
      )`);
    // Kept through a rebuild of the notary: they are the signed anchors a rebuild is checked against.
    await q.query(`
      CREATE TABLE audit_checkpoints (
        tree_size bigint PRIMARY KEY,
        root_hash text NOT NULL,
        chain_head text NOT NULL,
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_checkpoints');
    await q.query('DROP TABLE audit_nodes');
    await q.query('DROP TABLE audit_leaves');
  }
}
