import { Type } from '@sinclair/typebox';
import { Answer, Component, Nullable, OneOf } from '../../../infrastructure/http/answer-schema';
import { EVALUATION_KINDS, FINDINGS, OBLIGATION_CODES } from './evaluation.events';

/** An evaluation as it is listed and printed in the Bupati summary (report-data.ts `EvaluationSummary`). */
export const EvaluationSchema = Component(
  'Evaluation',
  Answer({
    evaluationId: Type.String({ format: 'uuid' }),
    kind: OneOf(EVALUATION_KINDS),
    year: Type.Optional(Type.Integer({ description: 'With semester: the semester a periodic evaluation covers (absent for most ad-hoc ones)' })),
    semester: Type.Optional(OneOf([1, 2] as const)),
    recordedAt: Type.String({ format: 'date-time' }),
    findings: Type.Array(
      Answer({
        obligation: OneOf(OBLIGATION_CODES),
        label: Type.String({ description: 'The obligation in words (Bahasa Indonesia)' }),
        finding: OneOf(FINDINGS),
        note: Nullable(Type.String()),
      }),
    ),
  }),
);

export const EvaluationRecordedSchema = Answer({ evaluationId: Type.String({ format: 'uuid' }) });

export const EvaluationListSchema = Type.Array(EvaluationSchema);
