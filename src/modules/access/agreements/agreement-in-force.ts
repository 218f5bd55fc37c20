import type { DataSource } from 'typeorm';
import { loadState } from '../../../infrastructure/event-store/command-handling';
import type { EventStore } from '../../../infrastructure/event-store/event-store.port';
import { SEEDED_AGREEMENT_ID } from '../seed/seed';
import { agreementDecider, agreementStatus, agreementStream, type Agreement, type AgreementStatus } from './agreement';

export interface AgreementInForce {
  readonly agreement: Agreement | null;
  readonly status: AgreementStatus | 'NONE';
  readonly daysLeft: number;
}

export const NO_AGREEMENT: AgreementInForce = Object.freeze({ agreement: null, status: 'NONE', daysLeft: 0 });

/**
 * The agreement that governs access at an instant (Pasal 5-7, 10), among the agreements as their events
 * fold: the active one if any, else the most recent (latest start) signed one. Only what both parties
 * signed governs access: a proposal waiting for the other party grants nothing. Pure.
 */
export function agreementInForceAmong(agreements: Iterable<Agreement>, now: Date): AgreementInForce {
  const signed = [...agreements]
    .filter((a) => a.agreementId && a.signedOn)
    .sort((a, b) => (a.validFrom === b.validFrom ? a.agreementId!.localeCompare(b.agreementId!) : a.validFrom < b.validFrom ? 1 : -1));
  let latest = NO_AGREEMENT;
  for (const agreement of signed) {
    const { status, daysLeft } = agreementStatus(agreement, now);
    if (status === 'ACTIVE') return { agreement, status, daysLeft };
    if (!latest.agreement) latest = { agreement, status, daysLeft };
  }
  return latest;
}

/** The agreement streams to consider: every one the register lists, and the seeded one even before the register caught up with the seed. */
export async function agreementStreamIds(db: DataSource): Promise<string[]> {
  const rows: { agreement_id: string }[] = await db.query(`SELECT agreement_id FROM agreement_register`);
  return [...new Set([...rows.map((r) => r.agreement_id), SEEDED_AGREEMENT_ID])].map(agreementStream);
}

/**
 * The agreement in force, read from every agreement's events (not the list read model). A one-off read
 * for callers outside a request path (start-up, tests); the access commands use the AgreementsView, which
 * reads only what changed.
 */
export async function agreementInForce(store: EventStore, db: DataSource, now: Date): Promise<AgreementInForce> {
  const states = await Promise.all((await agreementStreamIds(db)).map(async (streamId) => (await loadState(store, streamId, agreementDecider)).state));
  return agreementInForceAmong(states, now);
}
