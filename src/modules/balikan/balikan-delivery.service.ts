import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Refusal, handle } from '../../infrastructure/event-store/command-handling';
import type { EventStore } from '../../infrastructure/event-store/event-store.port';
import type { BalikanClient } from '../../infrastructure/registry/balikan-client';
import { accessStream } from '../access/lookups/access.events';
import { balikanDecider, type BalikanCommand } from './balikan';
import type { BalikanOutbox, Waiting } from './balikan-outbox';

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 15 * 60_000;
/** A row with no BalikanSubmitted after this long was left by a submission that failed half-way. */
const ORPHAN_AFTER_MS = 60_000;

/** Exponential backoff with full jitter: 2 s, 4 s, 8 s … capped at 15 minutes. */
export function backoffMs(attempt: number, random = Math.random): number {
  const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/**
 * Delivers waiting balikan: claim due rows (lease), open, send, then record the outcome on the access
 * stream and delete the row on acknowledgement. A crash after the acknowledgement and before the delete
 * re-sends the same reference once the lease runs out; the decider records DELIVERED only once.
 */
export class BalikanDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly outbox: BalikanOutbox,
    private readonly client: BalikanClient,
    private readonly logger: Logger,
    private readonly maxAgeMs: number,
    private readonly enabled = true,
    private readonly leaseSeconds = 60,
    private readonly intervalMs = 1000,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Deliver now (after a submission) instead of at the next tick. */
  wake(): void {
    this.schedule(0);
  }

  /** One pass over the due rows; returns how many were handled. */
  async deliverDue(): Promise<number> {
    const rows = await this.outbox.claimDue(20, this.leaseSeconds);
    for (const row of rows) await this.deliverOne(row);
    return rows.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || !this.enabled) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.running) return this.schedule(this.intervalMs);
      this.running = this.deliverDue()
        .then((n) => (n > 0 ? 0 : this.intervalMs))
        .catch((error) => {
          this.logger.warn({ error: (error as Error).name, code: (error as { code?: unknown }).code }, 'balikan delivery pass failed; retrying');
          return this.intervalMs * 5;
        })
        .then((next) => {
          this.running = undefined;
          this.schedule(next);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async deliverOne(row: Waiting): Promise<void> {
    const record = (command: BalikanCommand) => handle(this.store, accessStream(row.accessId), balikanDecider, command);
    const attempt = row.attempts + 1;
    try {
      if (Date.now() - row.createdAt.getTime() > this.maxAgeMs) {
        await record({ kind: 'abandon', balikanId: row.balikanId, attempts: row.attempts });
        await this.outbox.delete(row.balikanId); // purged: the values are gone with the row
        return;
      }
      let content;
      try {
        content = this.outbox.open(row);
      } catch {
        await record({ kind: 'failed', balikanId: row.balikanId, attempt, reason: 'UNREADABLE' });
        await this.outbox.retryLater(row.balikanId, attempt, backoffMs(attempt));
        return;
      }
      const { nik, ...values } = content;
      const result = await this.client.deliver(row.balikanId, nik, values);
      if (result.acknowledged) {
        await record({ kind: 'delivered', balikanId: row.balikanId, attempts: attempt });
        // Failpoint for the crash test (test/balikan/balikan-faults.spec.ts): die between acknowledgement and delete.
        if (process.env.NIK_GATEWAY_FAILPOINT === 'balikan-after-ack') process.kill(process.pid, 'SIGKILL');
        await this.outbox.delete(row.balikanId);
        return;
      }
      await record({ kind: 'failed', balikanId: row.balikanId, attempt, reason: result.failure });
      await this.outbox.retryLater(row.balikanId, attempt, backoffMs(attempt));
    } catch (error) {
      if (error instanceof Refusal && (error.code === 'BALIKAN_NOT_FOUND' || error.code === 'ACCESS_NOT_FOUND')) {
        if (Date.now() - row.createdAt.getTime() > ORPHAN_AFTER_MS) await this.outbox.delete(row.balikanId);
        else await this.outbox.retryLater(row.balikanId, row.attempts, BASE_DELAY_MS);
        return;
      }
      throw error;
    }
  }
}
