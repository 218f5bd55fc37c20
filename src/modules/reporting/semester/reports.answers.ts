import { Type, type Static } from '@sinclair/typebox';
import { Answer, Component, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { CHANGE_KINDS } from '../../access/agreements/agreement.events';
import type { BupatiSummary, SemesterReport } from '../documents/report-data';
import { EvaluationSchema } from '../evaluations/evaluations.answers';
import { SignatorySchema } from '../signatories/signatories.answers';

/** The figures of the semester report and the Bupati summary (report-data.ts), as their JSON answers give them. */

const Count = () => Type.Integer({ minimum: 0 });
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Day = () => Type.String({ format: 'date' });
const SemesterNumber = () => OneOf([1, 2] as const);

export const agreementSummaryProperties = {
  dukcapilNumber: Type.String(),
  dinkesNumber: Type.String(),
  signedOn: Type.String(),
  validFrom: Type.String(),
  validUntil: Type.String(),
  addenda: Type.Array(Type.String(), { description: 'Addendum numbers' }),
  status: Type.String({ description: 'NOT_YET_VALID, ACTIVE, EXPIRED or TERMINATED at the report’s asOf' }),
  changes: Type.Array(
    Answer({
      change: OneOf(CHANGE_KINDS),
      detail: Type.String({ description: "The change's own numbers and dates" }),
      status: OneOf(['PENDING', 'CONFIRMED', 'REJECTED'] as const),
      proposedBy: Type.String({ description: 'Operator id, SEED or UNRECORDED' }),
      proposedAt: Nullable(Type.String({ format: 'date-time' })),
      confirmedBy: Nullable(Type.String()),
      confirmedAt: Nullable(Type.String({ format: 'date-time' })),
      rejectedBy: Nullable(Type.String()),
      rejectedAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
};
const AgreementSummarySchema = Component('ReportAgreement', Answer(agreementSummaryProperties));

const AccessCountsSchema = Component(
  'AccessCounts',
  Answer({
    webPortal: Count(),
    cardReader: Count(),
    total: Count(),
    found: Count(),
    deceased: Count(),
    notFound: Count(),
    registryFailed: Type.Integer({ minimum: 0, description: 'The registry refused, timed out or was unavailable' }),
    fingerprintFailed: Type.Integer({ minimum: 0, description: 'Card reads whose fingerprint did not match or was not performed' }),
    outOfRegency: Count(),
  }),
);

export const balikanCountsProperties = {
  accessesOwingBalikan: Type.Integer({
    minimum: 0,
    description: 'Accesses that found the person, alive (FOUND) or recorded deceased (DECEASED): each owes a balikan',
  }),
  accessesWithBalikanSubmitted: Type.Integer({ minimum: 0, description: 'Of those, accesses with at least one balikan submitted (whatever became of it)' }),
  accessesWithBalikanDelivered: Type.Integer({
    minimum: 0,
    description: "Of those, accesses with at least one balikan delivered to Disdukcapil's data-balikan service",
  }),
  accessesWithBalikanOnlyAbandoned: Type.Integer({
    minimum: 0,
    description: 'Of those, accesses whose every balikan was abandoned: none delivered, none still being tried',
  }),
  deliveredShareOfOwing: Share('accessesWithBalikanDelivered / accessesOwingBalikan (0 when no access owes one)'),
};
export const BalikanCountsSchema = Component('BalikanCounts', Answer(balikanCountsProperties));

const PuskesmasRowSchema = Answer({
  code: Type.String(),
  name: Type.String(),
  kecamatan: Type.String(),
  accesses: AccessCountsSchema,
  balikan: BalikanCountsSchema,
});

const SubmissionSummarySchema = Component(
  'SubmissionSummary',
  Answer({
    submittedAt: Type.String({ format: 'date-time' }),
    onTime: Type.Boolean(),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the PDF handed in' }),
    revision: Type.Integer({ minimum: 1 }),
  }),
);

const LogCheckpointSchema = Answer({
  treeSize: Type.Integer({ minimum: 1 }),
  rootHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  signedAt: Type.String({ format: 'date-time' }),
  keyId: Type.String(),
});

const common = {
  year: Type.Integer(),
  semester: SemesterNumber(),
  title: Type.String(),
  periodFrom: Day(),
  periodTo: Day(),
  asOf: Type.String({ format: 'date-time', description: 'End of the WIB day the figures stand at' }),
  agreement: Nullable(AgreementSummarySchema),
  totals: AccessCountsSchema,
  balikan: BalikanCountsSchema,
  outOfRegencyShare: Share('outOfRegency / total'),
  perPuskesmas: Type.Array(PuskesmasRowSchema),
  logCheckpoint: Nullable(LogCheckpointSchema),
  renderedOn: Day(),
  cutOff: Nullable(Type.String({ format: 'date-time', description: 'When the last event the figures count was recorded; null when none was' })),
  signatories: Answer({ dinkes: Nullable(SignatorySchema), disdukcapil: Nullable(SignatorySchema) }),
};

export const SemesterReportSchema = Component(
  'SemesterReport',
  Answer({
    kind: OneOf(['SEMESTER_REPORT'] as const),
    ...common,
    dueOn: Day(),
    perMonth: Type.Array(Answer({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }), label: Type.String(), accesses: AccessCountsSchema })),
    refusals: Type.Array(Answer({ reason: Type.String(), label: Type.String(), count: Count() })),
    fingerprint: Answer({ matched: Count(), notMatched: Count(), notPerformed: Count() }),
    submission: Nullable(SubmissionSummarySchema),
  }),
);

export const BupatiSummarySchema = Component(
  'BupatiSummary',
  Answer({
    kind: OneOf(['BUPATI_SUMMARY'] as const),
    ...common,
    daysLeft: Nullable(Type.Integer({ minimum: 0 })),
    refusalsTotal: Count(),
    report: Answer({ dueOn: Day(), submission: Nullable(SubmissionSummarySchema) }),
    evaluations: Type.Array(EvaluationSchema),
    letter: Nullable(Answer({ number: Type.String(), issuedOn: Day() })),
  }),
);

const submittedProperties = {
  year: Type.Integer(),
  semester: SemesterNumber(),
  revision: Type.Integer({ minimum: 1 }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  submittedAt: Type.String({ format: 'date-time' }),
  dueOn: Day(),
  onTime: Type.Boolean(),
};

/** A submission: what POST .../submission answers (201 recorded, 200 already handed in), and each one GET .../submission lists. */
export const ReportSubmittedSchema = Component('ReportSubmission', Answer(submittedProperties));

export const ReportSubmissionsSchema = Answer({
  year: Type.Integer(),
  semester: SemesterNumber(),
  dueOn: Day(),
  submissions: Type.Array(ReportSubmittedSchema, { description: 'Every revision handed in, oldest first (only the one asked for with ?revision=)' }),
});

/** The schema and report-data.ts must say the same: a field renamed in one and not the other fails type-checking. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
const sameReport: Same<Mutable<Static<typeof SemesterReportSchema>>, Mutable<SemesterReport>> = true;
const sameSummary: Same<Mutable<Static<typeof BupatiSummarySchema>>, Mutable<BupatiSummary>> = true;
void [sameReport, sameSummary];
