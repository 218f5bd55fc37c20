import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Metrics } from '../../infrastructure/metrics/metrics';
import { AgreementsView } from './agreements/agreements.view';
import { DENIAL_REASONS, type DenialReason } from './denials/access-denied.events';

/** The access module's figures on the gateway's /metrics: refusals by reason, lockouts, and the agreement's days left. */
@Injectable()
export class AccessMetrics {
  private readonly refusals: Counter<'reason'>;
  private readonly lockouts: Counter;
  private readonly agreementDaysLeft: Gauge;

  constructor(metrics: Metrics, agreements: AgreementsView) {
    const registers = [metrics.registry];
    this.lockouts = new Counter({
      name: 'operator_lockouts_total',
      help: 'Sign-ins that locked an account (OperatorLockedOut), or a user id that does not exist, since this process started',
      registers,
    });
    this.refusals = new Counter({
      name: 'access_refusals_total',
      help: 'Refused requests recorded as AccessDenied, by reason, since this process started',
      labelNames: ['reason'] as const,
      registers,
    });
    this.agreementDaysLeft = new Gauge({
      name: 'agreement_days_left',
      help: 'Days left of the agreement in force; -1 when none is in force (read at scrape time)',
      registers,
    });
    // Bounded label sets start at zero, so rate() and increase() see the first one.
    for (const reason of DENIAL_REASONS) this.refusals.inc({ reason }, 0);
    this.lockouts.inc(0);
    metrics.readAtScrape('agreement', [this.agreementDaysLeft], async () => {
      // The same view the lookups decide on: only what changed since the last read is loaded.
      const { status, daysLeft } = await agreements.inForce(new Date());
      this.agreementDaysLeft.set(status === 'ACTIVE' ? daysLeft : -1);
    });
  }

  refusal(reason: DenialReason): void {
    this.refusals.inc({ reason });
  }

  lockout(): void {
    this.lockouts.inc();
  }
}
