import { randomUUID } from 'node:crypto';
import { DenialRecorder } from '../../src/modules/access/denials/denial-recorder';
import { requireOwnFacility } from '../../src/infrastructure/security/facility-scope';
import { openStore, storeTargets } from '../support/targets';

describe('The Puskesmas scope', () => {
  it('lets an operator act for its own Puskesmas, refuses another one and records the refusal', async () => {
    const ctx = await openStore(storeTargets[0]!);
    try {
      const denials = new DenialRecorder(ctx.store);
      const own = randomUUID();
      const other = randomUUID();
      const operator = { operatorId: randomUUID(), role: 'PUSKESMAS_OPERATOR' as const, facilityId: own };
      await expect(requireOwnFacility(operator, own, denials, { route: 'POST /v1/access/nik-lookups' })).resolves.toBeUndefined();
      await expect(requireOwnFacility(operator, other, denials, { route: 'POST /v1/access/nik-lookups' })).rejects.toMatchObject({ code: 'FACILITY_SCOPE' });
      const admin = { operatorId: randomUUID(), role: 'DINKES_ADMIN' as const, facilityId: randomUUID() };
      await expect(requireOwnFacility(admin, other, denials, { route: 'GET /v1/balikan/:id' })).resolves.toBeUndefined();
      const recorded = (await ctx.store.readAll({ maxCount: 100 })).filter((e) => e.type === 'AccessDenied');
      expect(recorded.map((e) => [e.data.reason, e.data.operatorId])).toEqual([['FACILITY_SCOPE', operator.operatorId]]);
    } finally {
      await ctx.close();
    }
  });
});
