import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../../src/infrastructure/event-store/event-store.port';
import { ownEventFilter, type ForeignEventReport } from '../../src/infrastructure/event-store/own-events';
import { testEventSchemas } from '../support/test-event-schemas';

/**
 * On a shared EventStoreDB cluster the gateway's readers (notary, audit export, projections) are given only
 * events that could have passed its privacy guard on append. What the filter decides, and what it says
 * about a skipped event: never its stream id or data.
 */
const NIK = '3313015708900004';
let nextCommit = 2000n; // each case its own position (a position is reported once)
const event = (over: Partial<StoredEvent>): StoredEvent => ({
  eventId: randomUUID(),
  type: 'FixtureCounted',
  schemaVersion: 1,
  streamId: `fixture-${randomUUID()}`,
  revision: 0n,
  globalPosition: { commit: 1000n, prepare: 1000n },
  occurredAt: new Date(),
  correlationId: null,
  causationId: null,
  data: { key: 'a', amount: 1 },
  ...over,
});

describe('Which events of a shared store are the gateway’s', () => {
  const reports: ForeignEventReport[] = [];
  const own = ownEventFilter(testEventSchemas(), (r) => reports.push(r));
  beforeEach(() => (reports.length = 0));

  it('takes an event of a registered type, in a stream it names, whose data passes its schema', () => {
    expect(own(event({}))).toBe(true);
    expect(reports).toEqual([]);
  });

  it('skips another application’s event type without a word', () => {
    expect(own(event({ type: 'OrderPlaced', data: { nik: NIK, nama: 'Budi Santoso' } }))).toBe(false);
    expect(reports).toEqual([]);
  });

  it.each([
    ['in a stream it never names', { streamId: 'Pasien Budi Santoso' }, 'STREAM_ID'],
    ['in a stream named with a NIK', { streamId: `fixture-${NIK}` }, 'STREAM_ID'],
    ['with a schema version it never wrote', { schemaVersion: 7 }, 'ENVELOPE'],
    ['with fields its schema does not have', { data: { key: 'a', amount: 1, nama: 'Budi Santoso', alamat: 'Jl. Lawu 1' } }, 'EVENT_FIELD_UNKNOWN'],
    ['with a NIK in a field', { data: { key: 'a', amount: Number(NIK) } }, 'PERSONAL_DATA_REFUSED'],
  ])('skips a registered type %s, and reports it by type, reason and position only', (_what, over, reason) => {
    expect(own(event({ ...over, globalPosition: { commit: nextCommit++, prepare: 7n } }))).toBe(false);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toEqual({ type: 'FixtureCounted', reason, position: { commit: expect.any(String), prepare: '7' } });
    const said = JSON.stringify(reports);
    for (const value of [NIK, 'Budi', 'Lawu', 'Pasien']) expect(said).not.toContain(value);
  });

  it('reports a skipped event once, however often it is read again', () => {
    const foreign = event({ streamId: 'Pasien', globalPosition: { commit: 3000n, prepare: 3000n } });
    for (let i = 0; i < 5; i++) expect(own(foreign)).toBe(false);
    expect(reports).toHaveLength(1);
  });
});
