import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Metrics } from '../../infrastructure/metrics/metrics';

/** The balikan module's figures on the gateway's /metrics: the outbox waiting for the registry, read at scrape time. */
@Injectable()
export class BalikanMetrics {
  constructor(metrics: Metrics, db: DataSource) {
    const registers = [metrics.registry];
    const depth = new Gauge({ name: 'balikan_outbox_depth', help: 'Data balikan waiting for the registry (read at scrape time)', registers });
    const oldest = new Gauge({
      name: 'balikan_outbox_oldest_age_seconds',
      help: 'Age of the oldest data balikan waiting for the registry; 0 when none waits (read at scrape time)',
      registers,
    });
    metrics.readAtScrape('balikan outbox', [depth, oldest], async () => {
      const [row]: { depth: string; oldest: Date | null }[] = await db.query('SELECT count(*)::text AS depth, min(created_at) AS oldest FROM balikan_outbox');
      depth.set(Number(row?.depth ?? 0));
      oldest.set(row?.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0);
    });
  }
}
