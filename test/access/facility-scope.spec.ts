import { randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/refusal';
import { requireOwnFacility } from '../../src/modules/access/auth/facility-scope';
import { DenialRecorder } from '../../src/modules/access/denials/denial-recorder';
import { openStore, storeTargets } from '../support/targets';

describe('The Puskesmas scope', () => {
  it('lets an operator act for its own Puskesmas and refuses another one; other roles are not bound to one', () => {
    const own = randomUUID();
    const operator = { operatorId: randomUUID(), role: 'PUSKESMAS_OPERATOR' as const, facilityId: own };
    expect(() => requireOwnFacility(operator, own)).not.toThrow();
    expect(() => requireOwnFacility(operator, randomUUID())).toThrow(expect.objectContaining({ status: 403, code: 'FACILITY_SCOPE' }));
    const admin = { operatorId: randomUUID(), role: 'DINKES_ADMIN' as const, facilityId: randomUUID() };
    expect(() => requireOwnFacility(admin, randomUUID())).not.toThrow();
  });
});

describe('Recording refusals', () => {
  it("records every refusal of access as an AccessDenied event, and no refusal of a command's content", async () => {
    const ctx = await openStore(storeTargets[0]!);
    try {
      const denials = new DenialRecorder(ctx.store);
      const party = { operatorId: randomUUID(), role: 'PUSKESMAS_OPERATOR', facilityId: randomUUID() };
      await denials.refused(new Refusal(403, 'FACILITY_SCOPE', 'x'), { route: 'GET /v1/balikan/:id', party });
      await denials.refused(new Refusal(429, 'RATE_LIMITED', 'x'), { route: 'POST /v1/access/nik-lookups', party });
      await denials.refused(new Refusal(409, 'OPERATOR_EXISTS', 'x'), { route: 'POST /v1/operators', party });
      await denials.refused(new Refusal(400, 'NIK_NOT_16_DIGITS', 'x'), { route: 'POST /v1/access/nik-lookups', party });
      const recorded = (await ctx.store.readAll({ maxCount: 100 })).filter((e) => e.type === 'AccessDenied');
      expect(recorded.map((e) => [e.data.reason, e.data.route, e.data.operatorId, e.data.facilityId])).toEqual([
        ['FACILITY_SCOPE', 'GET /v1/balikan/:id', party.operatorId, party.facilityId],
        ['RATE_LIMITED', 'POST /v1/access/nik-lookups', party.operatorId, party.facilityId],
      ]);
    } finally {
      await ctx.close();
    }
  });
});
