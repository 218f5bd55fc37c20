import { GRANTED_FIELDS } from '../../src/modules/access/agreements/agreement.events';
import { seededFacilities } from '../../src/modules/access/seed/seed';
import { randomUUID } from 'node:crypto';
import type { TestApp } from './app';
import { signIn } from './gateway-client';
import { callerOf, proposeAndConfirm, type Call } from './parties';
import { until } from './until';

/**
 * The set-ups most suites share, said once: the Puskesmas list, an agreement in force, an operator at a
 * Puskesmas. They work on the in-process app (`reach(t)`) and on a gateway process (`reach(call)`).
 */

/** How a fixture reaches a gateway: calls, and a sign-in that makes the password change owed at first sign-in. */
export interface Reach {
  readonly call: Call;
  login(userId: string, password: string): Promise<string>;
}

export function reach(target: TestApp | Call): Reach {
  if (typeof target === 'function') return { call: target, login: (userId, password) => signIn(target, userId, password) };
  return { call: callerOf(target), login: (userId, password) => target.login(userId, password) };
}

export interface ListedFacility {
  readonly facilityId: string;
  readonly kind: 'DINKES' | 'PUSKESMAS';
  readonly code: string;
  readonly name: string;
}

/** Dinkes and the 21 Puskesmas of karanganyar.json, as the first start seeds them. */
export const SEEDED_FACILITIES = seededFacilities();
export const SEEDED_PUSKESMAS = SEEDED_FACILITIES.filter((f) => f.kind === 'PUSKESMAS');

/** The facility register once the projection lists every seeded facility (it catches up after start-up). */
export async function thePuskesmasList(
  call: Call,
  admin: string,
  { timeoutMs, everyMs }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<ListedFacility[]> {
  return until(
    async () => {
      const listed = (await call('GET', '/v1/facilities', admin)).body as ListedFacility[];
      return listed.length >= SEEDED_FACILITIES.length && listed;
    },
    { what: 'the seeded facilities listed', timeoutMs, everyMs },
  );
}

/**
 * A new agreement in force from 2020 to 2099 granting the nine fields (or as `over` says), proposed by Dinkes and
 * confirmed by Disdukcapil. All nine by default: suites share one database, and the agreement in force decides
 * which fields every suite's lookups answer.
 */
export async function anAgreementInForce(call: Call, admin: string, auditor: string, over: Record<string, unknown> = {}): Promise<any> {
  const n = `${process.pid % 1000}${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
  return proposeAndConfirm(call, admin, auditor, '/v1/agreements', {
    dukcapilNumber: `T/${n}/D`,
    dinkesNumber: `T/${n}/K`,
    signedOn: '2020-01-01',
    validFrom: '2020-01-01',
    validUntil: '2099-12-31',
    grantedFields: [...GRANTED_FIELDS],
    ...over,
  });
}

export interface EnrolledOperator {
  readonly userId: string;
  readonly operatorId: string;
  /** Signed in, with the change owed at first sign-in made. */
  readonly token: string;
}

/** A Puskesmas operator enrolled at this facility by a Dinkes administrator, and signed in. */
export async function anOperatorAt(
  gateway: Reach,
  admin: string,
  facilityId: string,
  { userId = `loket.${randomUUID().slice(0, 8)}`, password = 'operator-password-1' }: { userId?: string; password?: string } = {},
): Promise<EnrolledOperator> {
  const enrolled = await gateway.call('POST', '/v1/operators', admin, { userId, password, role: 'PUSKESMAS_OPERATOR', facilityId });
  if (enrolled.status !== 201) throw new Error(`enrol ${userId}: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  return { userId, operatorId: enrolled.body.operatorId, token: await gateway.login(userId, password) };
}
