import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventVolumeDaily1764201600001 implements MigrationInterface {
  name = 'EventVolumeDaily1764201600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_volume_daily (
        day date NOT NULL,
        event_type text NOT NULL,
        events bigint NOT NULL,
        PRIMARY KEY (day, event_type)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE event_volume_daily');
  }
}
