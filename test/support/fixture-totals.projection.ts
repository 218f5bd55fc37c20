import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import type { Projection } from '../../src/infrastructure/projections/projection';

/**
 * A deliberately non-idempotent read model (count and sum per key, incremented per event, one
 * statement per event) so that an event applied twice or lost shows in its totals.
 */
export class FixtureTotalsProjection implements Projection {
  readonly name = 'fixture-totals';
  readonly handles = ['FixtureCounted'];

  constructor(private readonly midBatch?: (tx: EntityManager) => Promise<void>) {}

  static async createTable(query: (sql: string) => Promise<unknown>): Promise<void> {
    await query(`CREATE TABLE IF NOT EXISTS fixture_totals (key text PRIMARY KEY, events bigint NOT NULL, total bigint NOT NULL)`);
  }

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const half = Math.floor(events.length / 2);
    for (let i = 0; i < events.length; i++) {
      if (i === half && this.midBatch) await this.midBatch(tx);
      const { key, amount } = events[i]!.data as { key: string; amount: number };
      await tx.query(
        `INSERT INTO fixture_totals (key, events, total) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET events = fixture_totals.events + 1, total = fixture_totals.total + EXCLUDED.total`,
        [key, amount],
      );
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM fixture_totals');
  }
}

/** The event the seed writes at index i, and so what the totals must be. */
export function seededEvent(i: number) {
  return { key: `k${i % 7}`, amount: i % 100 };
}

export function expectedTotals(count: number): Record<string, { events: number; total: number }> {
  const totals: Record<string, { events: number; total: number }> = {};
  for (let i = 0; i < count; i++) {
    const { key, amount } = seededEvent(i);
    totals[key] ??= { events: 0, total: 0 };
    totals[key].events++;
    totals[key].total += amount;
  }
  return totals;
}
