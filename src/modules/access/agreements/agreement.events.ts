import type { TProperties } from '@sinclair/typebox';
import {
  Closed,
  DateTime,
  Day,
  List,
  OneOf,
  Optional,
  Pattern,
  Uuid,
  defineEvent,
  type TClosed,
  type TypedEventDefinition,
} from '../../../infrastructure/event-store/typed-events';
import { ActorId, PARTIES, withActor } from '../parties/actor';

/** The nine fields of Pasal 3(1)(a), as the agreement names them. */
export const GRANTED_FIELDS = [
  'NO_KK',
  'NIK',
  'NAMA_LENGKAP',
  'JENIS_KELAMIN',
  'TEMPAT_LAHIR',
  'TANGGAL_LAHIR',
  'JENIS_PEKERJAAN',
  'STATUS_PERKAWINAN',
  'ALAMAT',
] as const;

/** Pasal 10: how an agreement may end before its term. */
export const TERMINATION_REASONS = ['MUTUAL_CONSENT', 'INSTITUTIONAL_CHANGE', 'BREACH_BY_DINKES', 'FORCE_MAJEURE'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/** Agreement numbers as the offices write them: "473.3/2271.12/IX/2022". */
export const AGREEMENT_NUMBER = '^[0-9A-Z][0-9A-Z./-]{0,39}$';

export const CHANGE_KINDS = ['SIGN', 'EXTEND', 'TERMINATE'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

const AgreementNumber = () => Pattern(AGREEMENT_NUMBER);
export const GrantedFields = () => List(OneOf(GRANTED_FIELDS), { maxItems: 9, uniqueItems: true });

/** The terms a proposal carries: those of its kind of change (the schema admits any of them). */
export const Terms = Closed({
  dukcapilNumber: Optional(AgreementNumber()),
  dinkesNumber: Optional(AgreementNumber()),
  signedOn: Optional(Day()),
  validFrom: Optional(Day()),
  validUntil: Optional(Day()),
  grantedFields: Optional(GrantedFields()),
  addendumNumber: Optional(AgreementNumber()),
  reason: Optional(OneOf(TERMINATION_REASONS)),
  effectiveOn: Optional(Day()),
});

/**
 * The effects (signed, extended, terminated) are recorded when the second party confirms: `actorId` is
 * the confirming operator, `proposedBy`/`proposedAt`/`changeId` name the proposal it confirms. A
 * termination for breach has no proposal: Disdukcapil alone records it. Version 1 events (before the
 * two-party flow) read as acted by UNRECORDED.
 */
function confirmedEffect<T extends string, P extends TProperties>(definition: TypedEventDefinition<T, TClosed<P>>) {
  const next = withActor(definition);
  return defineEvent(
    next.type,
    Closed({ ...next.schema.properties, changeId: Optional(Uuid()), proposedBy: Optional(ActorId()), proposedAt: Optional(DateTime()) }),
    next,
  );
}

/** What a signing records: the same shapes as the terms proposed. */
export const AgreementSigned = confirmedEffect(
  defineEvent(
    'AgreementSigned',
    Closed({
      agreementId: Uuid(),
      dukcapilNumber: AgreementNumber(),
      dinkesNumber: AgreementNumber(),
      signedOn: Day(),
      validFrom: Day(),
      validUntil: Day(),
      grantedFields: GrantedFields(),
    }),
    { version: 1 },
  ),
);

export const AgreementExtended = confirmedEffect(
  defineEvent('AgreementExtended', Closed({ agreementId: Uuid(), addendumNumber: AgreementNumber(), validUntil: Day(), previousValidUntil: Day() }), {
    version: 1,
  }),
);

export const AgreementTerminated = confirmedEffect(
  defineEvent('AgreementTerminated', Closed({ agreementId: Uuid(), reason: OneOf(TERMINATION_REASONS), effectiveOn: Day() }), { version: 1 }),
);

export const AgreementChangeProposed = defineEvent(
  'AgreementChangeProposed',
  Closed({ agreementId: Uuid(), changeId: Uuid(), change: OneOf(CHANGE_KINDS), party: OneOf(PARTIES), actorId: ActorId(), terms: Terms }),
  { version: 1, description: 'One party proposes signing, extending or ending the agreement by consent; it grants nothing until the other party confirms.' },
);

export const AgreementChangeRejected = defineEvent(
  'AgreementChangeRejected',
  Closed({ agreementId: Uuid(), changeId: Uuid(), party: OneOf(PARTIES), actorId: ActorId() }),
  {
    version: 1,
    description: 'The other party refuses a proposed change, or the proposing party withdraws it.',
  },
);

export const agreementEvents = [AgreementSigned, AgreementExtended, AgreementTerminated, AgreementChangeProposed, AgreementChangeRejected] as const;
