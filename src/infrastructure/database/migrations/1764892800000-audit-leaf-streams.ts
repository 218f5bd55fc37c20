import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each notarised event lives: its stream and revision, so an auditor's event id finds its entry
 * through the store's port (every adapter reads a stream from a revision; none by event id). A stream id
 * is an opaque id or a party's or facility's code, and already part of the hashed entry: nothing personal.
 * Leaves notarised earlier are filled from the PostgreSQL event store when it shares this database; on
 * EventStoreDB they stay empty until `projections:rebuild notary` (held to the signed checkpoints).
 */
export class AuditLeafStreams1764892800000 implements MigrationInterface {
  name = 'AuditLeafStreams1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_leaves ADD COLUMN stream_id text, ADD COLUMN revision bigint`);
    const [{ present }]: { present: boolean }[] = await q.query(`SELECT to_regclass('public.es_events') IS NOT NULL AS present`);
    if (present)
      await q.query(`UPDATE audit_leaves l SET stream_id = e.stream_id, revision = e.revision FROM public.es_events e WHERE e.event_id = l.event_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_leaves DROP COLUMN revision, DROP COLUMN stream_id`);
  }
}
