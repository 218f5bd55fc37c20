import type { INestApplication } from '@nestjs/common';
import pino from 'pino';
import { openInfrastructure, type GatewayInfrastructure } from '../../src/composition/open-infrastructure';
import { loadConfig } from '../../src/infrastructure/config/config';
import { createHttpApp } from '../../src/composition/http-app';
import { sharedDatabaseSettings } from '../support/app';
import { fixtureEvents } from '../support/fixture-events';
import { until } from '../support/until';

/** Read models follow the event store while the service runs, without anyone asking. */
describe('The running service', () => {
  let infra: GatewayInfrastructure;
  let app: INestApplication;

  beforeAll(async () => {
    infra = await openInfrastructure(
      loadConfig({
        ...sharedDatabaseSettings(),
        AUDIT_CHECKPOINT_EVENTS: '100',
      }),
      { extraEvents: fixtureEvents },
    );
    app = await createHttpApp(infra, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await app?.close();
    await infra?.close();
  });

  it('projects newly appended events into the event-volume read model, per WIB day', async () => {
    const before = await counted(infra);
    // 23:30 UTC on 31 Dec is already 1 Jan in Jakarta.
    await infra.eventStore.appendToStream('fixture-hostcheck', [
      { type: 'FixtureCounted', data: { key: 'a', amount: 1 }, occurredAt: new Date('2025-12-31T23:30:00Z') },
      { type: 'FixtureCounted', data: { key: 'a', amount: 2 }, occurredAt: new Date('2025-12-31T16:59:59Z') },
    ]);
    await until(async () => (await counted(infra)) === before + 2, { what: 'both events counted by the projection' });
    const rows: { day: string; events: string }[] = await infra.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, events::text FROM event_volume_daily WHERE event_type = 'FixtureCounted' AND day IN ('2025-12-31', '2026-01-01') ORDER BY day`,
    );
    expect(rows).toEqual([
      { day: '2025-12-31', events: '1' },
      { day: '2026-01-01', events: '1' },
    ]);
  });
});

async function counted(infra: GatewayInfrastructure): Promise<number> {
  const [row] = await infra.dataSource.query(`SELECT coalesce(sum(events), 0)::int AS n FROM event_volume_daily WHERE event_type = 'FixtureCounted'`);
  return row.n;
}
