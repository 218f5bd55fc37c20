import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore, NewEvent, ReadStreamOptions } from '../../src/infrastructure/event-store/event-store.port';
import { InMemoryEventStoreAdapter } from '../../src/infrastructure/event-store/in-memory/in-memory-event-store.adapter';
import { EventsAppended } from '../../src/infrastructure/event-store/events-appended';
import { agreementStream, type Agreement } from '../../src/modules/access/agreements/agreement';
import { GRANTED_FIELDS } from '../../src/modules/access/agreements/agreement.events';
import { agreementInForceAmong } from '../../src/modules/access/agreements/agreement-in-force';
import { AgreementsView } from '../../src/modules/access/agreements/agreements.view';
import { SEEDED_AGREEMENT_ID } from '../../src/modules/access/seed/seed';
import type { RegisterFreshness } from '../../src/modules/access/register-freshness';

/**
 * The events of the agreement streams as two gateway processes share them (the in-memory adapter, with
 * the stores' read semantics): what one appends, the other reads; only the process that appended hears of
 * it (EventsAppended). Counts the events each read returns.
 */
class SharedStore {
  private readonly adapter = new InMemoryEventStoreAdapter();
  eventsRead = 0;
  /** The agreement register as its projection lists it (it may lag behind the events). */
  register: string[] = [];

  async append(streamId: string, ...events: NewEvent[]): Promise<EventsAppended> {
    const prepared = events.map((e) => ({
      eventId: randomUUID(),
      type: e.type,
      schemaVersion: 2,
      data: e.data,
      occurredAt: new Date(),
      correlationId: null,
      causationId: null,
    }));
    await this.adapter.append(streamId, prepared, 'any');
    return new EventsAppended(streamId, prepared);
  }

  /** One gateway process's view of these events; by default it rechecks on every lookup. */
  view(freshness: RegisterFreshness = { recheckMs: 0 }): AgreementsView {
    const store = {
      readStream: async (streamId: string, options?: ReadStreamOptions) => {
        const read = await this.adapter.readStream(streamId, options);
        this.eventsRead += read.length;
        return read;
      },
    } as unknown as EventStore;
    const db = { query: async () => this.register.map((agreement_id) => ({ agreement_id })) } as unknown as DataSource;
    return new AgreementsView(store, db, freshness);
  }
}

const actorId = randomUUID();
const signed = (agreementId: string, validFrom: string, validUntil: string): NewEvent => ({
  type: 'AgreementSigned',
  data: {
    agreementId,
    dukcapilNumber: `D/${agreementId.slice(0, 4)}`,
    dinkesNumber: `K/${agreementId.slice(0, 4)}`,
    signedOn: validFrom,
    validFrom,
    validUntil,
    grantedFields: [...GRANTED_FIELDS],
    actorId,
    proposedBy: actorId,
  },
});
const extended = (agreementId: string, previousValidUntil: string, validUntil: string): NewEvent => ({
  type: 'AgreementExtended',
  data: { agreementId, addendumNumber: `A/${validUntil}`, validUntil, previousValidUntil, actorId, proposedBy: actorId },
});
const terminated = (agreementId: string, effectiveOn: string): NewEvent => ({
  type: 'AgreementTerminated',
  data: { agreementId, reason: 'MUTUAL_CONSENT', effectiveOn, actorId, proposedBy: actorId },
});
const proposed = (agreementId: string): NewEvent => ({
  type: 'AgreementChangeProposed',
  data: {
    agreementId,
    changeId: randomUUID(),
    change: 'SIGN',
    party: 'DINKES',
    actorId,
    terms: { signedOn: '2025-01-01', validFrom: '2025-01-01', validUntil: '2030-12-31' },
  },
});

const at = (day: string) => new Date(`${day}T05:00:00Z`);

describe('The agreement in force as the lookups read it (AgreementsView)', () => {
  const seeded = agreementStream(SEEDED_AGREEMENT_ID);
  let store: SharedStore;
  beforeEach(async () => {
    store = new SharedStore();
    await store.append(seeded, signed(SEEDED_AGREEMENT_ID, '2022-09-16', '2024-09-15'));
  });

  it('counts the seeded agreement before the register lists it', async () => {
    const status = await store.view().inForce(at('2023-01-10'));
    expect(status).toMatchObject({ status: 'ACTIVE', agreement: { agreementId: SEEDED_AGREEMENT_ID } });
  });

  it('reads no agreement event again when no agreement changed since the last lookup', async () => {
    const view = store.view();
    await view.inForce(at('2023-01-10'));
    const before = store.eventsRead;
    for (let i = 0; i < 5; i++) await view.inForce(at('2023-01-10'));
    expect(store.eventsRead).toBe(before);
  });

  it('counts an extension recorded by another gateway process from the very next lookup', async () => {
    const here = store.view();
    expect((await here.inForce(at('2025-03-01'))).status).toBe('EXPIRED');
    await store.append(seeded, extended(SEEDED_AGREEMENT_ID, '2024-09-15', '2026-09-15')); // elsewhere: this view hears nothing
    expect(await here.inForce(at('2025-03-01'))).toMatchObject({
      status: 'ACTIVE',
      agreement: { validUntil: '2026-09-15', addenda: [{ validUntil: '2026-09-15' }] },
    });
  });

  it('counts a termination recorded by another gateway process from the very next lookup', async () => {
    const here = store.view();
    await store.append(seeded, extended(SEEDED_AGREEMENT_ID, '2024-09-15', '2026-09-15'));
    expect((await here.inForce(at('2025-03-01'))).status).toBe('ACTIVE');
    await store.append(seeded, terminated(SEEDED_AGREEMENT_ID, '2025-02-01'));
    expect((await here.inForce(at('2025-03-01'))).status).toBe('TERMINATED');
  });

  it('reads nothing while the agreement it holds is younger than REGISTER_RECHECK_MS, then counts a termination recorded elsewhere', async () => {
    let clock = 0;
    const here = store.view({ recheckMs: 250, clock: () => clock });
    await store.append(seeded, extended(SEEDED_AGREEMENT_ID, '2024-09-15', '2026-09-15'));
    expect((await here.inForce(at('2025-03-01'))).status).toBe('ACTIVE');
    const read = store.eventsRead;
    await store.append(seeded, terminated(SEEDED_AGREEMENT_ID, '2025-02-01')); // on another gateway
    clock = 249;
    expect((await here.inForce(at('2025-03-01'))).status).toBe('ACTIVE');
    expect(store.eventsRead).toBe(read);
    clock = 250;
    expect((await here.inForce(at('2025-03-01'))).status).toBe('TERMINATED');
  });

  it('counts a termination recorded in this process at once, however recently it read', async () => {
    const here = store.view({ recheckMs: 60_000, clock: () => 0 });
    await store.append(seeded, extended(SEEDED_AGREEMENT_ID, '2024-09-15', '2026-09-15'));
    expect((await here.inForce(at('2025-03-01'))).status).toBe('ACTIVE');
    here.handle(await store.append(seeded, terminated(SEEDED_AGREEMENT_ID, '2025-02-01')));
    expect((await here.inForce(at('2025-03-01'))).status).toBe('TERMINATED');
  });

  it('finds an agreement signed in another process once the register lists it', async () => {
    const here = store.view();
    const id = randomUUID();
    await store.append(agreementStream(id), proposed(id), signed(id, '2025-01-01', '2030-12-31'));
    expect((await here.inForce(at('2026-01-15'))).status).toBe('EXPIRED');
    store.register = [id];
    expect(await here.inForce(at('2026-01-15'))).toMatchObject({ status: 'ACTIVE', agreement: { agreementId: id } });
  });

  it('finds an agreement signed in this process at once, before the register lists it', async () => {
    const here = store.view();
    const id = randomUUID();
    here.handle(await store.append(agreementStream(id), proposed(id)));
    await store.append(agreementStream(id), signed(id, '2025-01-01', '2030-12-31')); // the confirmation, also here
    expect(await here.inForce(at('2026-01-15'))).toMatchObject({ status: 'ACTIVE', agreement: { agreementId: id } });
  });

  it('ignores appends to other streams', async () => {
    const here = store.view();
    here.handle(await store.append(`access-${randomUUID()}`, { type: 'NikLookupPerformed', data: {} }));
    await here.inForce(at('2023-01-10'));
    expect(store.eventsRead).toBe(1);
  });

  it('folds each event once when lookups read at the same time', async () => {
    const here = store.view();
    await here.inForce(at('2025-03-01'));
    await store.append(seeded, extended(SEEDED_AGREEMENT_ID, '2024-09-15', '2026-09-15'));
    const answers = await Promise.all([here.inForce(at('2025-03-01')), here.inForce(at('2025-03-01')), here.inForce(at('2025-03-01'))]);
    expect((await here.inForce(at('2025-03-01'))).agreement?.addenda).toHaveLength(1);
    for (const answer of answers) expect(answer.status).toBe('ACTIVE');
  });

  it('agrees with a fresh read of every stream, whatever was appended, wherever', async () => {
    const day = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
    const step = fc.oneof(
      fc.record({ kind: fc.constant('sign' as const), from: day, until: day, here: fc.boolean() }),
      fc.record({ kind: fc.constant('extend' as const), which: fc.nat(), until: day, here: fc.boolean() }),
      fc.record({ kind: fc.constant('terminate' as const), which: fc.nat(), on: day, here: fc.boolean() }),
      fc.record({ kind: fc.constant('lookup' as const), on: day }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const shared = new SharedStore();
        const here = shared.view();
        const ids: string[] = [];
        for (const s of steps) {
          if (s.kind === 'lookup') {
            const fresh = await shared.view().inForce(at(s.on));
            expect(await here.inForce(at(s.on))).toEqual(fresh);
            continue;
          }
          const id = s.kind === 'sign' ? randomUUID() : ids[s.which % Math.max(ids.length, 1)];
          if (!id) continue;
          const event =
            s.kind === 'sign'
              ? signed(id, s.from < s.until ? s.from : s.until, s.from < s.until ? s.until : s.from)
              : s.kind === 'extend'
                ? extended(id, '', s.until)
                : terminated(id, s.on);
          if (s.kind === 'sign') ids.push(id);
          const appended = await shared.append(agreementStream(id), event);
          if (s.here) here.handle(appended);
          shared.register = [...ids]; // the register catches up between lookups
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('Which agreement governs access (agreementInForceAmong)', () => {
  const agreement = (validFrom: string, validUntil: string, over: Partial<Agreement> = {}): Agreement => ({
    agreementId: randomUUID(),
    dukcapilNumber: 'D/1',
    dinkesNumber: 'K/1',
    signedOn: validFrom,
    validFrom,
    validUntil,
    grantedFields: [],
    addenda: [],
    termination: null,
    ...over,
  });

  it('is the active agreement when one is active, whatever the others', () => {
    const active = agreement('2025-01-01', '2026-12-31');
    const later = agreement('2026-06-01', '2028-12-31');
    expect(agreementInForceAmong([later, active, agreement('2020-01-01', '2021-01-01')], at('2026-01-15'))).toMatchObject({
      status: 'ACTIVE',
      agreement: active,
    });
  });

  it('is the most recent one signed when none is active', () => {
    const old = agreement('2020-01-01', '2021-01-01');
    const recent = agreement('2022-09-16', '2024-09-15');
    expect(agreementInForceAmong([old, recent], at('2026-01-15'))).toMatchObject({ status: 'EXPIRED', agreement: recent });
  });

  it('grants nothing from a proposal the other party has not confirmed', () => {
    expect(agreementInForceAmong([agreement('2025-01-01', '2030-12-31', { signedOn: '' })], at('2026-01-15'))).toEqual({
      agreement: null,
      status: 'NONE',
      daysLeft: 0,
    });
  });

  it('does not depend on the order the agreements are read in', () => {
    const day = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(fc.tuple(day, day), { maxLength: 6 }), day, (ranges, today) => {
        const agreements = ranges.map(([a, b]) => agreement(a < b ? a : b, a < b ? b : a));
        expect(agreementInForceAmong([...agreements].reverse(), at(today))).toEqual(agreementInForceAmong(agreements, at(today)));
      }),
    );
  });
});
