import { eventCatalogue } from '../../src/composition/event-catalogue';
import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import { fixtureEvents } from '../support/fixture-events';
import stored from './stored-event-schemas.json';

/** The schema as JSON (TypeBox's markers are symbols and drop out), with `required` in a stable order. */
function asStored(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asStored);
  if (schema === null || typeof schema !== 'object') return schema;
  const entries = Object.entries(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>).map(([key, value]) =>
    key === 'required' ? [key, [...(value as string[])].sort()] : [key, asStored(value)],
  );
  return Object.fromEntries(entries);
}

const schemas = new EventSchemas([...eventCatalogue, ...fixtureEvents]);

/**
 * The schemas are written with TypeBox now; stored events were validated against the hand-written JSON
 * Schemas recorded in stored-event-schemas.json. Changing a schema means a new version with an upcaster,
 * and an update of that file in the same commit. (Data generated from every schema is checked by the
 * privacy guard's property test.)
 */
describe('The event schemas stored events were written against', () => {
  it('has every event type the store holds, and no other', () => {
    expect(eventCatalogue.map((d) => d.type).sort()).toEqual(Object.keys(stored).sort());
  });

  it.each(eventCatalogue.map((d) => [d.type, d] as const))(
    'keeps %s exactly as it was: same fields, required fields, patterns, enums, limits, version and upcasters',
    (type, definition) => {
      const before = stored[type as keyof typeof stored];
      expect(definition.version).toBe(before.version);
      expect(Object.keys(definition.upcasters ?? {}).map(Number)).toEqual(before.upcastFrom);
      expect(asStored(definition.schema)).toEqual(before.schema);
    },
  );

  it('reads an administrative event stored before actors were recorded as acted by UNRECORDED', () => {
    const { data, version } = schemas.upcast('OperatorSuspended', 1, { operatorId: '0b7f3c52-5d1e-4a8b-9c3d-2e4f6a8b0c1d' });
    expect(version).toBe(2);
    expect(data).toEqual({ operatorId: '0b7f3c52-5d1e-4a8b-9c3d-2e4f6a8b0c1d', actorId: 'UNRECORDED' });
    expect(() => schemas.validate('OperatorSuspended', data)).not.toThrow();
  });
});
