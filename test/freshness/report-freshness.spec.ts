import { randomUUID } from 'node:crypto';
import { START, type LogPosition } from '../../src/infrastructure/event-store/event-store.port';
import type { ProjectionRunner, ProjectionStatus } from '../../src/infrastructure/projections/projection-runner';
import { ReportingFreshness } from '../../src/modules/reporting/read-models/reporting-freshness';
import { openStore, storeTargets } from '../support/targets';

/**
 * A report answers from the reporting read model only once it has seen every event in the log when the
 * request came (else 409 REPORT_NOT_CURRENT on submission): decided from its checkpoint against the head
 * of the log, on every store. The checkpoint is played by a stub of the runner's status.
 */
/** An access, as the lookups module records one (fixture type of the same shape). */
const fixtureLookup = () => ({
  type: 'FixtureLookupRecorded',
  data: { accessId: randomUUID(), facilityCode: 'PKM01', channel: 'WEB_PORTAL', outcome: 'FOUND', registryLatencyMs: 5, holderOrigin: 'IN_REGENCY' },
});

const checkpointAt = (position: LogPosition) =>
  ({ status: async (name: string): Promise<Partial<ProjectionStatus>> => ({ name, position }) }) as unknown as ProjectionRunner;

describe.each(storeTargets.filter((t) => t.kind !== 'eventstoredb' && t.url).map((t) => [t.name, t] as const))(
  'The freshness of the reporting read model on %s',
  (_name, target) => {
    let ctx: Awaited<ReturnType<typeof openStore>>;
    beforeAll(async () => {
      ctx = await openStore(target);
    });
    afterAll(() => ctx.close());

    it('is behind while an access lies past its checkpoint, and current once its checkpoint is that access', async () => {
      const before = (await ctx.store.readAll({ maxCount: 10_000 })).at(-1)?.globalPosition ?? START;
      const access = await ctx.store.appendToStream(`fixture-${randomUUID()}`, [fixtureLookup()]);

      expect(await new ReportingFreshness(ctx.store, checkpointAt(before)).behind()).toBe(true);
      expect(await new ReportingFreshness(ctx.store, checkpointAt(before)).catchUp(50)).toBe(false);
      expect(await new ReportingFreshness(ctx.store, checkpointAt(access.position)).behind()).toBe(false);
      expect(await new ReportingFreshness(ctx.store, checkpointAt(access.position)).catchUp(50)).toBe(true);
    });
  },
);
