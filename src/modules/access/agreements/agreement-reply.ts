import { agreementStatus, type Agreement } from './agreement';

/** An agreement as the API shows it: its status and days left at this moment, its pending and past changes. */
export function presentAgreement(agreement: Agreement, now: Date) {
  const { status, daysLeft } = agreementStatus(agreement, now);
  const { changes, ...rest } = agreement;
  return { ...rest, status, daysLeft, asOf: now.toISOString(), pendingChanges: (changes ?? []).filter((c) => c.status === 'PENDING'), changes: changes ?? [] };
}

export type AgreementReply = ReturnType<typeof presentAgreement>;
