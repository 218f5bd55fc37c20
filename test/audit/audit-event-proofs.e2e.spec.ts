import { QueryBus } from '@nestjs/cqrs';
import { createPublicKey, randomUUID } from 'node:crypto';
import { Refusal } from '../../src/infrastructure/refusal';
import { ProveEntries } from '../../src/modules/audit/audit.queries';
import { RequestCheckpoint, RequestCheckpointHandler } from '../../src/modules/audit/request-checkpoint';
import { startApp, type TestApp } from '../support/app';
import { isolatedStorage } from '../support/isolated-storage';
import { problemsOf, type EntriesAnswer } from '../support/rfc9162-verifier';

/*
 * Whether an id the notary does not know is an event stored a moment ago (409, ask again) or none at all
 * (404) depends on the notary's lag; on a log of its own, with the notary run by the test, both are certain.
 * In-process on a database of its own, which only a PostgreSQL server gives (PGlite cannot start inside a
 * jest worker); event-proofs.unit.spec.ts holds the same rule on every run.
 */
const server = process.env.DATABASE_URL;
(server ? describe : describe.skip)(`An event id the notary has not logged yet${server ? '' : ' — SKIPPED: DATABASE_URL is not set'}`, () => {
  let t: TestApp;
  let storage: Awaited<ReturnType<typeof isolatedStorage>>;
  const auditor = { operatorId: randomUUID(), role: 'DUKCAPIL_AUDITOR' as const, facilityId: null };
  // As the route would send it: JSON.
  const prove = async (id: string): Promise<EntriesAnswer> =>
    JSON.parse(JSON.stringify(await t.app.get(QueryBus).execute(new ProveEntries(auditor, id, undefined))));
  const refusalOf = (id: string) =>
    prove(id).then(
      () => 'proved',
      (error: unknown) => (error instanceof Refusal ? `${error.status} ${error.code}` : String(error)),
    );
  const runNotary = () =>
    t.infra.runner.run(
      t.infra.projections.find((p) => p.name === 'notary')!,
      { untilCaughtUp: true },
    );

  beforeAll(async () => {
    storage = await isolatedStorage(server, 'eventproofs');
    t = await startApp({ ...(storage.env as Record<string, string>), RUN_PROJECTIONS: 'false', AUDIT_CHECKPOINT_REQUEST_SECONDS: '0' });
    await runNotary();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await storage?.cleanup();
  });

  it('answers 409 NOT_YET_NOTARISED for an event just stored, then proves it once notarised and checkpointed', async () => {
    const denialId = randomUUID();
    await t.infra.eventStore.appendToStream(`denial-${denialId}`, [
      { type: 'AccessDenied', eventId: denialId, data: { denialId, reason: 'NETWORK_NOT_ALLOWED', route: 'GET /v1/audit/checkpoints' } },
    ]);
    expect(await refusalOf(denialId)).toBe('409 NOT_YET_NOTARISED');
    await runNotary();
    expect(await refusalOf(denialId)).toBe('409 NOT_YET_CHECKPOINTED');
    await t.app.get(RequestCheckpointHandler).execute(new RequestCheckpoint());
    const answer = await prove(denialId);
    expect(answer.kind).toBe('EVENT');
    expect(answer.entries.map((e) => e.entry.streamId)).toEqual([`denial-${denialId}`]);
    const publicKey = createPublicKey({ key: Buffer.from(process.env.TEST_AUDIT_PUBLIC_KEY!, 'base64'), format: 'der', type: 'spki' });
    expect(problemsOf(answer, publicKey)).toEqual([]);
  });

  it('answers 404 EVENT_NOT_NOTARISED for an id the log never held, once the notary has logged everything', async () => {
    await runNotary();
    expect(await refusalOf(randomUUID())).toBe('404 EVENT_NOT_NOTARISED');
  });
});
