import { SetMetadata } from '@nestjs/common';
import type { Role } from '../operators/operator.events';

export const ACCESS_RULE = 'nik-gateway:access-rule';

/** Who may call a route: anyone (still inside the allowed networks), or signed-in operators of these roles. */
export type AccessRule = { readonly public: true } | { readonly public?: false; readonly roles: readonly Role[] };

/** The one place a route says who may call it. A route without a rule is refused (and fails the route-matrix test). */
export const Allow = (...roles: Role[]) => SetMetadata(ACCESS_RULE, { roles } satisfies AccessRule);
export const Public = () => SetMetadata(ACCESS_RULE, { public: true } satisfies AccessRule);

export const DURING_PASSWORD_CHANGE = 'nik-gateway:during-password-change';
/** Open to a session that must change its password first (changing it, signing out); every other route answers 403 PASSWORD_CHANGE_REQUIRED. */
export const DuringPasswordChange = () => SetMetadata(DURING_PASSWORD_CHANGE, true);

export const SCRAPE_TOKEN = 'nik-gateway:scrape-token';
/** Also accepts the static METRICS_TOKEN (a Prometheus scraper cannot sign in): for GET /metrics only. */
export const ScrapeToken = () => SetMetadata(SCRAPE_TOKEN, true);

/** The signed-in operator, attached to the request by the access guard. */
export interface Caller {
  readonly operatorId: string;
  readonly role: Role;
  /** Null for roles outside Dinkes' facilities (auditors, the Bupati's office). */
  readonly facilityId: string | null;
}
