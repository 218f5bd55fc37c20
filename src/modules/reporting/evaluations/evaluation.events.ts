import { Closed, FreeText, Int, List, OneOf, Optional, Uuid, defineEvent } from '../../../infrastructure/event-store/typed-events';

/** What Disdukcapil evaluates (Pasal 3(2) obligations of Dinkes and the report of Pasal 9(1)). */
export const OBLIGATION_CODES = ['BALIKAN', 'ACCOUNTABILITY', 'CLOSED_NETWORK', 'ALL_HOLDERS', 'CARD_READERS', 'CONFIDENTIALITY', 'SEMESTER_REPORT'] as const;
export type ObligationCode = (typeof OBLIGATION_CODES)[number];
export const FINDINGS = ['MET', 'PARTIAL', 'NOT_MET'] as const;
export const EVALUATION_KINDS = ['PERIODIC', 'AD_HOC'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];
export const NOTE_MAX_LENGTH = 280;

export const EvaluationRecorded = defineEvent(
  'EvaluationRecorded',
  Closed({
    evaluationId: Uuid(),
    kind: OneOf(EVALUATION_KINDS),
    year: Optional(Int(2022, 2100)),
    semester: Optional(OneOf([1, 2])),
    auditorId: Uuid(),
    findings: List(Closed({ obligation: OneOf(OBLIGATION_CODES), finding: OneOf(FINDINGS), note: Optional(FreeText(NOTE_MAX_LENGTH)) }), {
      minItems: 1,
      maxItems: OBLIGATION_CODES.length,
    }),
  }),
  { version: 1, description: 'An evaluation by Disdukcapil (Pasal 9(2)-(3)). Notes are short free text; the NIK/KK scan still applies.' },
);

export const evaluationEvents = [EvaluationRecorded] as const;
