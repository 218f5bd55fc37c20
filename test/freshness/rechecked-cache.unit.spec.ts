import fc from 'fast-check';
import type { EventStore } from '../../src/infrastructure/event-store/event-store.port';
import { FoldedStreams } from '../../src/infrastructure/event-store/folded-streams';
import { RecheckedCache } from '../../src/infrastructure/freshness/rechecked-cache';

/**
 * The register state behind each request (agreement, Puskesmas, reader, operator, session) is held in
 * memory. What an administrator relies on: a change made on this gateway counts from the next request; a
 * change made on another gateway counts on this one within the recheck interval (REGISTER_RECHECK_MS).
 */
describe('Register state held in memory (RecheckedCache)', () => {
  /** A database row another process may change, and a clock the test moves. */
  function world(recheckMs: number) {
    const db = { version: 1, reads: 0 };
    let now = 1000;
    let gate: Promise<void> | null = null;
    const cache = new RecheckedCache<string, number>(
      async () => {
        db.reads++;
        const seen = db.version; // a read sees what was committed when it began
        if (gate) await gate;
        return seen;
      },
      { recheckMs, clock: () => now },
    );
    return {
      db,
      cache,
      advance: (ms: number) => (now += ms),
      holdReads: () => {
        let release!: () => void;
        gate = new Promise((resolve) => (release = resolve));
        return () => {
          gate = null;
          release();
        };
      },
    };
  }

  it('answers from memory, without reading, while the state is younger than the recheck interval', async () => {
    const { db, cache, advance } = world(250);
    expect(await cache.get('operator')).toBe(1);
    advance(249);
    db.version = 2; // changed on another gateway
    expect(await cache.get('operator')).toBe(1);
    expect(db.reads).toBe(1);
  });

  it('counts a change made on another gateway once the interval has passed', async () => {
    const { db, cache, advance } = world(250);
    await cache.get('operator');
    db.version = 2;
    advance(250);
    expect(await cache.get('operator')).toBe(2);
  });

  it('counts a change made on this gateway from the very next request', async () => {
    const { db, cache } = world(250);
    await cache.get('operator');
    db.version = 2;
    cache.invalidate('operator');
    expect(await cache.get('operator')).toBe(2);
  });

  it('does not trust a read that began before a change made on this gateway', async () => {
    const { db, cache, holdReads } = world(250);
    const release = holdReads();
    const early = cache.get('operator'); // begins reading version 1
    db.version = 2;
    cache.invalidate('operator'); // e.g. the suspension is recorded here while that read is still running
    const late = cache.get('operator');
    release();
    expect(await early).toBe(1); // it overlapped the change: either answer is right for it
    expect(await late).toBe(2);
    expect(await cache.get('operator')).toBe(2);
  });

  it('reads on every use with an interval of 0', async () => {
    const { db, cache } = world(0);
    await cache.get('operator');
    await cache.get('operator');
    expect(db.reads).toBe(2);
  });

  it('lets requests that arrive together share one read', async () => {
    const { db, cache, holdReads } = world(250);
    const release = holdReads();
    const answers = Promise.all([cache.get('operator'), cache.get('operator'), cache.get('operator')]);
    release();
    expect(await answers).toEqual([1, 1, 1]);
    expect(db.reads).toBe(1);
  });

  it('keeps nothing for a key that is not found (an unknown token cannot grow memory)', async () => {
    let reads = 0;
    const cache = new RecheckedCache<string, string>(
      async () => {
        reads++;
        return undefined;
      },
      { recheckMs: 1000, clock: () => 0 },
    );
    expect(await cache.get('nope')).toBeUndefined();
    expect(await cache.get('nope')).toBeUndefined();
    expect(reads).toBe(2);
  });

  it('holds nothing for a key whose read failed (a database outage cannot fill memory with random tokens)', async () => {
    let fail = true;
    const cache = new RecheckedCache<string, string>(
      async () => {
        if (fail) throw new Error('database unavailable');
        return 'session';
      },
      { recheckMs: 1000, clock: () => 0 },
    );
    await expect(cache.get('a')).rejects.toThrow('database unavailable');
    expect(cache.size).toBe(0);
    fail = false;
    expect(await cache.get('a')).toBe('session');
    expect(cache.size).toBe(1);
  });

  it('does not hold a stream nobody wrote, so random reader ids cannot crowd out real ones', async () => {
    const reads: string[] = [];
    const store = {
      readStream: async (streamId: string) => {
        reads.push(streamId);
        return [];
      },
    } as unknown as Pick<EventStore, 'readStream'>;
    const readers = new FoldedStreams(store, { initialState: { registered: false }, evolve: (state) => state }, { recheckMs: 60_000, clock: () => 0 });
    expect(await readers.state('reader-unknown')).toEqual({ registered: false });
    expect(await readers.state('reader-unknown')).toEqual({ registered: false });
    expect(reads).toEqual(['reader-unknown', 'reader-unknown']);
    expect((readers as unknown as { cache: RecheckedCache<string, unknown> }).cache.size).toBe(0);
  });

  it('never answers older than the interval allows, nor misses a change made here, whatever the interleaving', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('elsewhere' as const) }),
      fc.record({ kind: fc.constant('here' as const) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ kind: fc.constant('use' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.array(step, { maxLength: 40 }), async (recheckMs, steps) => {
        const { db, cache, advance } = world(recheckMs);
        let now = 1000;
        /** When each version was committed, and whether here. */
        const committed: { version: number; at: number; here: boolean }[] = [{ version: 1, at: -Infinity, here: false }];
        for (const s of steps) {
          if (s.kind === 'wait') now = advance(s.ms);
          else if (s.kind === 'use') {
            const seen = await cache.get('k');
            const owed = committed.filter((c) => c.here || c.at < now - recheckMs || (recheckMs === 0 && c.at <= now));
            expect(seen).toBeGreaterThanOrEqual(Math.max(...owed.map((c) => c.version)));
            expect(seen).toBeLessThanOrEqual(db.version);
          } else {
            db.version++;
            committed.push({ version: db.version, at: now, here: s.kind === 'here' });
            if (s.kind === 'here') cache.invalidate('k');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
