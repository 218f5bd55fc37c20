import { Closed, OneOf, Optional, Pattern, Uuid, defineEvent } from '../../../infrastructure/event-store/typed-events';
import { ROLES } from '../operators/operator.events';

/** Why a request was refused; each refusal is recorded so the compliance views can count them. */
export const DENIAL_REASONS = [
  'NETWORK_NOT_ALLOWED',
  'OPERATOR_SUSPENDED',
  'OPERATOR_REVOKED',
  'ROLE_NOT_ALLOWED',
  'FACILITY_SCOPE',
  'AGREEMENT_NOT_ACTIVE',
  'FACILITY_NOT_REGISTERED',
  'CARD_READER_NOT_REGISTERED',
  'CARD_READER_RETIRED',
  'ACCOUNT_LOCKED',
  'NOT_YOUR_ACCOUNT',
  'OTHER_PARTYS_ACCOUNT',
  'RATE_LIMITED',
  /** A balikan whose NIK and verification token do not match the lookup it names. */
  'NIK_DOES_NOT_MATCH_ACCESS',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export const AccessDenied = defineEvent(
  'AccessDenied',
  Closed({
    denialId: Uuid(),
    reason: OneOf(DENIAL_REASONS),
    /** The route template, e.g. "POST /v1/access/nik-lookups". */
    route: Pattern('^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|OTHER) /[A-Za-z0-9/:_-]{0,120}$'),
    operatorId: Optional(Uuid()),
    facilityId: Optional(Uuid()),
    role: Optional(OneOf(ROLES)),
  }),
  { version: 1, description: "A refused request. Never the caller's address, never request values." },
);

export const denialEvents = [AccessDenied] as const;

export const denialStream = (denialId: string) => `denial-${denialId}`;
