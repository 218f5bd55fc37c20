import { Type } from '@sinclair/typebox';
import { Answer, Component, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { agreementSummaryProperties, balikanCountsProperties, BalikanCountsSchema } from '../semester/reports.answers';

const Count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const Day = () => Type.String({ format: 'date' });

/** A Puskesmas (or Dinkes) as compliance views name it. */
const PlaceSchema = Component(
  'CompliancePlace',
  Answer({
    facilityId: Type.String({ format: 'uuid' }),
    code: Type.String(),
    name: Type.String(),
    kecamatan: Type.String({ description: 'The kecamatan by name (its code when unknown)' }),
  }),
);

/** Accesses still owed a delivered balikan, by age in days since the access. */
export const BacklogSchema = Component('BalikanBacklog', Answer({ upTo7Days: Count(), upTo30Days: Count(), upTo90Days: Count(), over90Days: Count() }));

export const BacklogListSchema = Type.Array(
  Answer({
    facilityId: Type.String({ format: 'uuid' }),
    code: Type.String(),
    name: Type.String(),
    kecamatan: Type.String(),
    backlog: BacklogSchema,
    total: Count(),
  }),
  { description: 'Every Puskesmas (and any other facility with a backlog)' },
);

export const RefusalsSchema = Answer({
  from: Day(),
  to: Day(),
  byReason: Type.Array(
    Answer({ reason: Type.String({ description: 'A refusal code' }), label: Type.String({ description: 'In words (Bahasa Indonesia)' }), count: Count() }),
  ),
  byPuskesmas: Type.Array(
    Answer({
      code: Nullable(Type.String({ description: 'null: refused before any facility was known (sign-in, network)' })),
      name: Type.String(),
      reason: Type.String(),
      count: Count(),
    }),
  ),
});

export const OperatorActivitySchema = Answer({
  from: Day(),
  to: Day(),
  rule: Answer({
    dailyLimit: Count(),
    medianFactor: Type.Number(),
    minimumHistoryDays: Count(),
    historyWindowDays: Count(),
    minimumAccesses: Count(),
  }),
  days: Type.Array(
    Answer({
      day: Day(),
      accesses: Count(),
      median: Nullable(Type.Number({ description: "The operator's median accesses per active day before it; null without enough history" })),
      reasons: Type.Array(OneOf(['ABOVE_DAILY_LIMIT', 'FAR_ABOVE_OWN_MEDIAN'] as const)),
      operatorId: Type.String({ description: 'Opaque operator id' }),
      puskesmas: Nullable(Type.String({ description: 'Facility code' })),
      refusals: Count(),
      unusual: Type.Boolean(),
    }),
  ),
});

export const ComplianceCardReadersSchema = Type.Array(
  Answer({
    readerId: Type.String({ format: 'uuid' }),
    puskesmas: Nullable(PlaceSchema),
    inService: Type.Boolean(),
    registeredAt: Type.String({ format: 'date-time' }),
    retiredAt: Nullable(Type.String({ format: 'date-time' })),
    reads: Answer({ matched: Count(), notMatched: Count(), notPerformed: Count() }),
  }),
);

/** What was handed in for a semester (one revision). */
const SubmissionSummarySchema = Answer({
  revision: Type.Integer({ minimum: 1 }),
  submittedAt: Type.String({ format: 'date-time' }),
  onTime: Type.Boolean(),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

const REPORT_STATUSES = ['NOT_YET_DUE', 'SUBMITTED_ON_TIME', 'SUBMITTED_LATE', 'OVERDUE'] as const;

/** A semester report's due date and what was handed in (Pasal 9(1)). */
export const ReportDueSchema = Component(
  'ReportDue',
  Answer({
    year: Type.Optional(Type.Integer()),
    semester: Type.Optional(OneOf([1, 2] as const)),
    dueOn: Day(),
    status: OneOf(REPORT_STATUSES),
    submissions: Type.Array(SubmissionSummarySchema),
  }),
);

export const ReportCalendarSchema = Type.Array(ReportDueSchema, { description: 'Every semester due so far, oldest first' });

const Obligation = <C extends string, F extends Parameters<typeof Answer>[0]>(code: C, figures: F) =>
  Answer({ clause: Type.String({ description: 'The article of the agreement' }), code: OneOf([code] as const), figures: Answer(figures) });

/** Each obligation of Pasal 3(2) and the report of Pasal 9(1) for a semester, overall and per Puskesmas. */
export const ObligationsSchema = Answer({
  year: Type.Integer(),
  semester: OneOf([1, 2] as const),
  periodFrom: Day(),
  periodTo: Day(),
  asOf: Type.String({ format: 'date-time' }),
  agreement: Nullable(Answer({ ...agreementSummaryProperties, daysLeft: Count() })),
  obligations: Type.Array(
    Type.Union([
      Obligation('BALIKAN', { ...balikanCountsProperties, backlog: BacklogSchema }),
      Obligation('ACCOUNTABILITY', { accesses: Count(), refusals: Count(), unusualOperatorDays: Count() }),
      Obligation('CLOSED_NETWORK', { networkRefusals: Count() }),
      Obligation('ALL_HOLDERS', { outOfRegency: Count(), share: Type.Number({ minimum: 0, maximum: 1 }) }),
      Obligation('CARD_READERS', {
        readersInService: Count(),
        readersRetired: Count(),
        cardReads: Count(),
        fingerprint: Answer({ matched: Count(), notMatched: Count(), notPerformed: Count() }),
      }),
      Answer({ clause: Type.String(), code: OneOf(['SEMESTER_REPORT'] as const), figures: ReportDueSchema }),
    ]),
    { description: 'In this order: BALIKAN, ACCOUNTABILITY, CLOSED_NETWORK, ALL_HOLDERS, CARD_READERS, SEMESTER_REPORT' },
  ),
  puskesmas: Type.Array(
    Answer({
      code: Type.String(),
      name: Type.String(),
      kecamatan: Type.String(),
      accesses: Count(),
      outOfRegency: Count(),
      outOfRegencyShare: Type.Number({ minimum: 0, maximum: 1 }),
      balikan: BalikanCountsSchema,
      backlog: BacklogSchema,
      refusals: Count(),
      unusualOperatorDays: Count(),
      cardReaders: Answer({ inService: Count(), reads: Count(), matched: Count(), notMatched: Count(), notPerformed: Count() }),
    }),
  ),
});
