import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import type { Projection } from '../../../infrastructure/projections/projection';
import { wibDay } from '../../../infrastructure/time/wib';

/**
 * Events per type per day (WIB): the operators' first look at what the gateway is doing, and the
 * projection the foundation's rebuild and replay benchmarks run. Counts only: no personal data exists here.
 */
export class EventVolumeProjection implements Projection {
  readonly name = 'event-volume';

  constructor(readonly handles: readonly string[]) {}

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const counts = new Map<string, number>();
    for (const event of events) {
      const key = `${wibDay(event.occurredAt)}|${event.type}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const days: string[] = [];
    const types: string[] = [];
    const amounts: number[] = [];
    for (const [key, n] of counts) {
      const [day, type] = key.split('|') as [string, string];
      days.push(day);
      types.push(type);
      amounts.push(n);
    }
    await tx.query(
      `INSERT INTO event_volume_daily (day, event_type, events)
       SELECT * FROM unnest($1::date[], $2::text[], $3::bigint[])
       ON CONFLICT (day, event_type) DO UPDATE SET events = event_volume_daily.events + EXCLUDED.events`,
      [days, types, amounts],
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM event_volume_daily');
  }
}
