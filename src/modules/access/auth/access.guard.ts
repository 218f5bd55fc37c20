import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Refusal } from '../../../infrastructure/refusal';
import { RegisterStates } from '../register-states';
import { OperatorAccounts } from '../operators/accounts';
import { DenialRecorder } from '../denials/denial-recorder';
import { ACCESS_RULE, DURING_PASSWORD_CHANGE, SCRAPE_TOKEN, type AccessRule, type Caller } from './access-rule';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import type { Infrastructure } from '../../../infrastructure/infrastructure';
import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller; routeTemplate?: string; token?: string; mustChangePassword?: boolean };

/**
 * Who may call what, decided in one place for every route (after the network check):
 *  1. the route's rule (a route without one is refused: fail closed);
 *  2. the bearer token, and the operator's current state folded from its stream (RegisterStates): a
 *     suspension or revocation takes effect on the very next request in this process, and within
 *     REGISTER_RECHECK_MS on every other instance, whatever the token's expiry;
 *  3. the role, and a password change still owed (PASSWORD_CHANGE_REQUIRED). Refusals of an identified operator are recorded as AccessDenied events.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registers: RegisterStates,
    private readonly accounts: OperatorAccounts,
    private readonly denials: DenialRecorder,
    @Optional() @Inject(INFRASTRUCTURE) private readonly infra?: Infrastructure,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const route = routeTemplate(request);
    request.routeTemplate = route;
    if (!rule) throw new Refusal(403, 'ROUTE_WITHOUT_RULE', 'This route has no access rule.');
    if (rule.public) return true;
    if (this.scrapeTokenPresented(context, request)) return true;

    const token = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new Refusal(401, 'UNAUTHENTICATED', 'Sign in and send Authorization: Bearer <token>.');
    const session = await this.accounts.session(token);
    if (!session) throw new Refusal(401, 'TOKEN_INVALID_OR_EXPIRED', 'The token is unknown or expired; sign in again.');

    const operator = await this.registers.operator(session.operatorId);
    const caller: Caller = { operatorId: session.operatorId, role: operator.role, facilityId: operator.facilityId || null };
    const deny = (code: 'OPERATOR_SUSPENDED' | 'OPERATOR_REVOKED' | 'ROLE_NOT_ALLOWED', message: string) => new Refusal(403, code, message, { party: caller });
    if (!operator.operatorId) throw new Refusal(401, 'TOKEN_INVALID_OR_EXPIRED', 'The token is unknown or expired; sign in again.');
    if (operator.status === 'SUSPENDED') throw deny('OPERATOR_SUSPENDED', 'This account is suspended.');
    if (operator.status === 'REVOKED') throw deny('OPERATOR_REVOKED', 'This account is revoked.');
    if (!rule.roles.includes(operator.role)) throw deny('ROLE_NOT_ALLOWED', 'Your role may not do this.');
    // A password an administrator chose is known to two people: until its owner replaces it, the session does nothing else.
    if (
      operator.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean | undefined>(DURING_PASSWORD_CHANGE, [context.getHandler(), context.getClass()])
    ) {
      throw new Refusal(403, 'PASSWORD_CHANGE_REQUIRED', 'Change your password first (POST /v1/operators/{your id}/password).');
    }
    request.caller = caller;
    request.token = token;
    request.mustChangePassword = operator.mustChangePassword;
    return true;
  }

  /** METRICS_TOKEN, on a route marked @ScrapeToken() only, compared in constant time. */
  private scrapeTokenPresented(context: ExecutionContext, request: FastifyRequest): boolean {
    const expected = this.infra?.config.metricsToken;
    if (!expected || !this.reflector.getAllAndOverride<boolean | undefined>(SCRAPE_TOKEN, [context.getHandler(), context.getClass()])) return false;
    const presented = /^Bearer (\S{1,512})$/.exec(request.headers.authorization ?? '')?.[1];
    if (!presented) return false;
    const digest = (value: string) => createHash('sha256').update(value).digest();
    return timingSafeEqual(digest(presented), digest(expected));
  }
}

/** "POST /v1/operators/:id/suspension": the matched route's template, never the concrete path. */
export function routeTemplate(request: FastifyRequest): string {
  const path = request.routeOptions.url ?? '';
  return `${request.method} ${path.replace(/\/+$/, '') || '/'}`;
}
