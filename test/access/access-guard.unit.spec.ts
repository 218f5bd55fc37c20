import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { AccessGuard } from '../../src/modules/access/auth/access.guard';
import { Allow } from '../../src/modules/access/auth/access-rule';

/** A route somebody forgot to give a rule is refused, not opened (fail closed). */
describe('The access guard', () => {
  const guard = new AccessGuard(new Reflector(), null as never, null as never, null as never);
  const contextFor = (handler: () => void, headers: Record<string, string> = {}) =>
    ({
      getHandler: () => handler,
      getClass: () => class Bare {},
      switchToHttp: () => ({ getRequest: () => ({ method: 'POST', routeOptions: { url: '/v1/forgotten' }, headers }) }),
    }) as unknown as ExecutionContext;

  it('refuses a route without an access rule with 403 ROUTE_WITHOUT_RULE', async () => {
    await expect(guard.canActivate(contextFor(function forgotten() {}))).rejects.toMatchObject({ code: 'ROUTE_WITHOUT_RULE' });
  });

  it('asks for a token on a route with a rule when none is sent', async () => {
    class Ruled {
      @Allow('DINKES_ADMIN')
      handler() {}
    }
    await expect(guard.canActivate(contextFor(Ruled.prototype.handler))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
