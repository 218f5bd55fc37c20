import { Type, type Static } from '@sinclair/typebox';
import { Answer, Component, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { PARTIES } from '../parties/actor';
import { agreementStatus, type Agreement } from './agreement';
import { CHANGE_KINDS, GrantedFields, TERMINATION_REASONS, Terms } from './agreement.events';

const Moment = () => Type.String({ format: 'date-time' });
/** A day (YYYY-MM-DD), or '' while the signing is only proposed. */
const DayOrEmpty = (description: string) => Type.String({ description: `${description}: YYYY-MM-DD (WIB), empty while the signing is only proposed` });

/** One change of the agreement: proposed by one party, confirmed or rejected by the other. */
const AgreementChangeSchema = Component(
  'AgreementChange',
  Answer({
    changeId: Nullable(Type.String({ format: 'uuid', description: 'What the other party confirms or rejects; null for a termination for breach' })),
    change: OneOf(CHANGE_KINDS),
    terms: Terms,
    status: OneOf(['PENDING', 'CONFIRMED', 'REJECTED'] as const),
    proposedBy: Type.String({ description: 'Operator id of the proposer' }),
    proposedByParty: Nullable(OneOf(PARTIES)),
    proposedAt: Nullable(Moment()),
    confirmedBy: Nullable(Type.String()),
    confirmedAt: Nullable(Moment()),
    rejectedBy: Nullable(Type.String()),
    rejectedAt: Nullable(Moment()),
  }),
);

/** An agreement as the API shows it (GET /v1/agreements, /v1/agreements/{id}). */
const agreementProperties = {
  agreementId: Type.String({ format: 'uuid' }),
  dukcapilNumber: Type.String({ description: "Disdukcapil's number of the agreement; empty while the signing is only proposed" }),
  dinkesNumber: Type.String({ description: "Dinkes' number of the agreement; empty while the signing is only proposed" }),
  signedOn: DayOrEmpty('Signing day'),
  validFrom: DayOrEmpty('First day of validity'),
  validUntil: DayOrEmpty('Last day of validity, through 23:59:59.999 WIB'),
  grantedFields: { ...GrantedFields(), description: 'The fields of Pasal 3(1)(a) granted: each is a key of `person` (Person, x-agreement-field)' },
  addenda: Type.Array(Answer({ addendumNumber: Type.String(), validUntil: Type.String({ format: 'date' }) })),
  termination: Nullable(Answer({ reason: OneOf(TERMINATION_REASONS), effectiveOn: Type.String({ format: 'date' }) })),
  status: OneOf(['PENDING', 'NOT_YET_VALID', 'ACTIVE', 'EXPIRED', 'TERMINATED'] as const),
  daysLeft: Type.Integer({ minimum: 0 }),
  asOf: Moment(),
  pendingChanges: Type.Array(AgreementChangeSchema),
  changes: Type.Array(AgreementChangeSchema, { description: 'Every change, pending, confirmed or rejected, oldest first' }),
};
export const AgreementSchema = Component('Agreement', Answer(agreementProperties));
export type AgreementAnswer = Static<typeof AgreementSchema>;

/** The answer to a proposal, confirmation or rejection: the agreement after it, with the change it concerned. */
export const AgreementChangedSchema = Component('AgreementChanged', Answer({ ...agreementProperties, change: Type.Optional(AgreementChangeSchema) }));

/** An agreement as the API shows it: its status and days left at this moment, its pending and past changes. */
export function presentAgreement(agreement: Agreement, now: Date) {
  const { status, daysLeft } = agreementStatus(agreement, now);
  const { changes, ...rest } = agreement;
  return { ...rest, status, daysLeft, asOf: now.toISOString(), pendingChanges: (changes ?? []).filter((c) => c.status === 'PENDING'), changes: changes ?? [] };
}

export type AgreementReply = ReturnType<typeof presentAgreement>;
