import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store.port';
import {
  Closed,
  DateTime,
  Day,
  FreeText,
  Int,
  List,
  OneOf,
  Optional,
  Pattern,
  Uuid,
  defineEvent,
  eventOf,
  isEventOf,
  type DataOf,
} from '../../src/infrastructure/event-store/typed-events';

/** A made-up event using every builder, as a feature's `*.events.ts` would. */
const VisitCounted = defineEvent(
  'VisitCounted',
  Closed({
    visitId: Uuid(),
    day: Day(),
    at: DateTime(),
    code: Pattern('^PKM-[0-9]{6}$'),
    channel: OneOf(['WEB_PORTAL', 'CARD_READER']),
    semester: OneOf([1, 2]),
    visits: Int(0, 100),
    note: Optional(FreeText(40)),
    tags: List(Closed({ tag: OneOf(['A', 'B']) }), { maxItems: 2, uniqueItems: true }),
  }),
  { version: 1 },
);
const VisitForgotten = defineEvent('VisitForgotten', Closed({ visitId: Uuid() }), { version: 2, upcasters: { 1: (data) => data } });

const schemas = new EventSchemas([VisitCounted, VisitForgotten]);
const valid: DataOf<typeof VisitCounted> = {
  visitId: '0b7f3c52-5d1e-4a8b-9c3d-2e4f6a8b0c1d',
  day: '2026-01-15',
  at: '2026-01-15T03:00:00.000Z',
  code: 'PKM-331301',
  channel: 'CARD_READER',
  semester: 2,
  visits: 3,
  tags: [{ tag: 'A' }],
};
const rejection = (data: unknown) => {
  try {
    schemas.validate('VisitCounted', data);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  eventId: '1f0c8a3e-2b4d-4c6e-8f0a-1b2c3d4e5f60',
  type,
  schemaVersion: 1,
  streamId: 'visit-1',
  revision: 0n,
  globalPosition: { commit: 1n, prepare: 1n },
  occurredAt: new Date('2026-01-15T03:00:00Z'),
  correlationId: null,
  causationId: null,
  data,
});

describe('Event schemas written with the typed builders', () => {
  it('are plain JSON Schema: closed objects, constrained strings, enums, limits', () => {
    expect(JSON.parse(JSON.stringify(VisitCounted.schema))).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['visitId', 'day', 'at', 'code', 'channel', 'semester', 'visits', 'tags'],
      properties: {
        visitId: { type: 'string', format: 'uuid' },
        day: { type: 'string', format: 'date' },
        at: { type: 'string', format: 'date-time' },
        code: { type: 'string', pattern: '^PKM-[0-9]{6}$' },
        channel: { type: 'string', enum: ['WEB_PORTAL', 'CARD_READER'] },
        semester: { type: 'integer', enum: [1, 2] },
        visits: { type: 'integer', minimum: 0, maximum: 100 },
        note: { type: 'string', 'x-free-text': true, maxLength: 40 },
        tags: {
          type: 'array',
          maxItems: 2,
          uniqueItems: true,
          items: { type: 'object', additionalProperties: false, required: ['tag'], properties: { tag: { type: 'string', enum: ['A', 'B'] } } },
        },
      },
    });
    expect(VisitForgotten).toMatchObject({ type: 'VisitForgotten', version: 2 });
  });

  it('are accepted by the privacy guard, which validates them with ajv', () => {
    expect(rejection(valid)).toBeUndefined();
    expect(rejection({ ...valid, note: 'checked twice' })).toBeUndefined();
  });

  it('refuse a field the schema does not list, at the top and inside lists', () => {
    expect(rejection({ ...valid, name: 'someone' })).toBe('EVENT_FIELD_UNKNOWN');
    expect(rejection({ ...valid, tags: [{ tag: 'A', extra: 1 }] })).toBe('EVENT_FIELD_UNKNOWN');
  });

  it('refuse values outside their pattern, format, enumeration or limits, and a missing required field', () => {
    expect(rejection({ ...valid, code: 'PKM-33130' })).toBe('EVENT_DATA_INVALID');
    expect(rejection({ ...valid, visitId: 'not-a-uuid' })).toBe('EVENT_DATA_INVALID');
    expect(rejection({ ...valid, day: '15/01/2026' })).toBe('EVENT_DATA_INVALID');
    expect(rejection({ ...valid, channel: 'FAX' })).toBe('EVENT_DATA_INVALID');
    expect(rejection({ ...valid, semester: 3 })).toBe('EVENT_DATA_INVALID');
    expect(rejection({ ...valid, visits: 101 })).toBe('EVENT_DATA_INVALID');
    expect(rejection({ ...valid, note: 'x'.repeat(41) })).toBe('EVENT_DATA_INVALID');
    expect(rejection({ ...valid, tags: [{ tag: 'A' }, { tag: 'A' }] })).toBe('EVENT_DATA_INVALID');
    const { visitId: _, ...withoutId } = valid;
    expect(rejection(withoutId)).toBe('EVENT_DATA_INVALID');
  });

  it('still refuse a NIK-shaped value, even in free text', () => {
    expect(rejection({ ...valid, note: 'NIK 3313010101900001' })).toBe('PERSONAL_DATA_REFUSED');
  });

  it('give the data its TypeScript type, checked when the code is compiled', () => {
    // @ts-expect-error a required field is missing
    const missing: DataOf<typeof VisitCounted> = { ...valid, visitId: undefined };
    // @ts-expect-error not one of the channels
    const wrongChannel: DataOf<typeof VisitCounted> = { ...valid, channel: 'FAX' };
    // @ts-expect-error a field the schema does not have
    const unknownField: DataOf<typeof VisitCounted> = { ...valid, name: 'someone' };
    expect([missing, wrongChannel, unknownField]).toHaveLength(3);
  });

  it('tell a recorded event of a definition apart and type its data', () => {
    const event = recorded('VisitCounted', { ...valid });
    expect(isEventOf(VisitCounted, event)).toBe(true);
    expect(isEventOf(VisitForgotten, event)).toBe(false);
    if (isEventOf(VisitCounted, event)) {
      const channel: 'WEB_PORTAL' | 'CARD_READER' = event.data.channel;
      expect(channel).toBe('CARD_READER');
    }
    const either = eventOf([VisitCounted, VisitForgotten], recorded('VisitForgotten', { visitId: valid.visitId }));
    expect(either?.type === 'VisitForgotten' ? either.data.visitId : undefined).toBe(valid.visitId);
    expect(eventOf([VisitCounted, VisitForgotten], recorded('SomethingElse', {}))).toBeUndefined();
  });
});
