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

/**
 * The agreement that governs access right now (Pasal 5-7, 10): the active one if any, else the most
 * recent. Each agreement is read from its own events (not the list read model), so an extension or a
 * termination counts from the very next request. Every access command checks this. A proposed signing is
 * listed before it is confirmed, so its confirmation too counts from the very next request.
 */
export async function agreementInForce(store: EventStore, db: DataSource, now: Date): Promise<AgreementInForce> {
  const rows: { agreement_id: string }[] = await db.query(`SELECT agreement_id FROM agreement_register ORDER BY valid_from DESC`);
  // The seeded agreement counts even before the register's projection has caught up with the seed.
  const ids = [...new Set([...rows.map((r) => r.agreement_id), SEEDED_AGREEMENT_ID])];
  let latest: AgreementInForce = { agreement: null, status: 'NONE', daysLeft: 0 };
  for (const agreement_id of ids) {
    const { state } = await loadState(store, agreementStream(agreement_id), agreementDecider);
    // Only what both parties signed governs access: a proposal waiting for the other party grants nothing.
    if (!state.agreementId || !state.signedOn) continue;
    const { status, daysLeft } = agreementStatus(state, now);
    if (status === 'ACTIVE') return { agreement: state, status, daysLeft };
    if (!latest.agreement) latest = { agreement: state, status, daysLeft };
  }
  return latest;
}
