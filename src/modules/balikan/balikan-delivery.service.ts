import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { handle, loadState } from '../../infrastructure/event-store/command-handling';
import type { EventStore } from '../../infrastructure/event-store/event-store.port';
import { EventsAppended } from '../../infrastructure/event-store/events-appended';
import type { BalikanClient } from '../../infrastructure/registry/balikan-client';
import { accessStream } from '../access/lookups/lookup.events';
import { balikanDecider, type BalikanCommand } from './balikan';
import type { BalikanOutbox, Waiting } from './balikan-outbox';

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 15 * 60_000;
/** A row still not ready after this long was left by a submission that stopped half-way: the sweeper settles it. */
export const STALE_AFTER_SECONDS = 60;

/** Exponential backoff with full jitter: 2 s, 4 s, 8 s … capped at 15 minutes. */
export function backoffMs(attempt: number, random = Math.random): number {
  const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/**
 * Delivers waiting balikan: claim due rows that are ready (lease), check on the access stream that the
 * balikan was accepted and is not settled, open, send, then record the outcome and delete the row on
 * acknowledgement. A crash after the acknowledgement and before DELIVERED is recorded re-sends the same
 * reference once the lease runs out (the registry sees it twice under one reference); the decider records
 * DELIVERED only once.
 */
export class BalikanDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** A wake that came during a pass: one more pass follows at once (the row it announces may have been too late for this one). */
  private wokenWhileRunning = false;
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

  /** Deliver now instead of at the next tick. */
  wake(): void {
    if (this.running) this.wokenWhileRunning = true;
    else this.schedule(0);
  }

  /** BalikanSubmitted stored by this process: deliver as soon as their submissions have made the rows claimable. */
  wakeFor(balikanIds: readonly string[]): void {
    void Promise.all(balikanIds.map((id) => this.outbox.submitted(id))).then(() => this.wake());
  }

  /** One pass over the due rows; returns how many were handled. */
  async deliverDue(): Promise<number> {
    const swept = await this.sweep();
    const rows = await this.outbox.claimDue(20, this.leaseSeconds);
    for (const row of rows) await this.deliverOne(row);
    return rows.length + swept;
  }

  /**
   * Rows a submission left not ready (it stopped between the append and the ready mark, or the append
   * failed and so did the clean-up): the event stored -> ready; no event -> deleted, nothing is sent.
   */
  async sweep(olderThanSeconds = STALE_AFTER_SECONDS): Promise<number> {
    const rows = await this.outbox.stale(olderThanSeconds);
    for (const row of rows) {
      const { state } = await loadState(this.store, accessStream(row.accessId), balikanDecider);
      if (state.balikan.has(row.balikanId)) await this.outbox.readyIfWaiting(row.balikanId);
      else await this.outbox.dropUnrecorded(row.balikanId);
    }
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
          const again = this.wokenWhileRunning;
          this.wokenWhileRunning = false;
          this.schedule(again ? 0 : next);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async deliverOne(row: Waiting): Promise<void> {
    // Submissions on the same access share its stream: retry more than usual, as a failed record after an acknowledgement means a re-send.
    const record = (command: BalikanCommand) => handle(this.store, accessStream(row.accessId), balikanDecider, command, { attempts: 10 });
    const attempt = row.attempts + 1;
    // Only what was accepted and is still waiting reaches the registry.
    const { state } = await loadState(this.store, accessStream(row.accessId), balikanDecider);
    const accepted = state.balikan.get(row.balikanId);
    if (!accepted || accepted.status === 'DELIVERED' || accepted.status === 'ABANDONED') {
      if (!accepted) this.logger.warn({ balikanId: row.balikanId }, 'balikan outbox row without its BalikanSubmitted; deleted, not sent');
      await this.outbox.delete(row.balikanId);
      return;
    }
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
      // Failpoints for the crash tests (test/balikan/balikan-faults.spec.ts): die between the acknowledgement and
      // recording it (the row is sent again), or between recording it and the delete (the row is not).
      if (process.env.NIK_GATEWAY_FAILPOINT === 'balikan-after-ack') process.kill(process.pid, 'SIGKILL');
      await record({ kind: 'delivered', balikanId: row.balikanId, attempts: attempt });
      if (process.env.NIK_GATEWAY_FAILPOINT === 'balikan-after-record') process.kill(process.pid, 'SIGKILL');
      await this.outbox.delete(row.balikanId);
      return;
    }
    await record({ kind: 'failed', balikanId: row.balikanId, attempt, reason: result.failure });
    await this.outbox.retryLater(row.balikanId, attempt, backoffMs(attempt));
  }
}

/**
 * Wakes the worker when this process stores a BalikanSubmitted, instead of the submission calling it. Appends
 * by another instance are not seen here: the worker's periodic pass is the safety net, the outbox the truth.
 */
@EventsHandler(EventsAppended)
export class WakeBalikanDelivery implements IEventHandler<EventsAppended> {
  constructor(private readonly delivery: BalikanDeliveryService) {}

  handle(appended: EventsAppended): void {
    const submitted = appended.events.filter((e) => e.type === 'BalikanSubmitted').map((e) => String(e.data.balikanId));
    if (submitted.length > 0) this.delivery.wakeFor(submitted);
  }
}
