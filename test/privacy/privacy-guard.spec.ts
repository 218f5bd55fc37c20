import fc from 'fast-check';
import { EventRejectedError } from '../../src/infrastructure/event-store/errors';
import { START } from '../../src/infrastructure/event-store/event-store.port';
import { looksLikeNikOrKk } from '../../src/infrastructure/event-store/personal-data';
import { personalValue } from '../support/personal-data.arbitraries';
import { arbitraryFor, leafPaths, setAt } from '../support/schema.arbitraries';
import { openStore, storeTargets, streamId, testEventSchemas } from '../support/targets';

const schemas = testEventSchemas();
const definitions = schemas.definitions();

function rejection(type: string, data: unknown): EventRejectedError | undefined {
  try {
    schemas.validate(type, data);
    return undefined;
  } catch (error) {
    if (error instanceof EventRejectedError) return error;
    throw error;
  }
}

describe('The privacy guard at the event store', () => {
  it('knows every registered event type and accepts valid data for each', () => {
    expect(definitions.length).toBeGreaterThan(0);
    for (const definition of definitions) {
      fc.assert(
        fc.property(arbitraryFor(definition.schema), (data) => {
          expect(rejection(definition.type, data)).toBeUndefined();
        }),
        { numRuns: 100 },
      );
    }
  });

  it('accepts no actor id that it would take for a NIK (a UUID without version and variant is not an operator id)', () => {
    // Found by the property above on CI: the actor schema allowed any hex UUID, this one carries 17 digits in a row.
    const actorSchemas = definitions.filter((definition) => definition.schema.properties?.actorId);
    expect(actorSchemas.length).toBeGreaterThan(0);
    for (const definition of actorSchemas) {
      expect(new RegExp(definition.schema.properties!.actorId!.pattern!).test('0aaa0a0a-00aa-0000-0000-000000000aa0')).toBe(false);
    }
  });

  it('refuses a NIK or KK number placed in any field of any registered event type, in any writing', () => {
    for (const definition of definitions) {
      const withPersonalValue = arbitraryFor(definition.schema)
        .chain((data) => fc.tuple(fc.constant(data), fc.constantFrom(...leafPaths(data)), personalValue))
        .filter(([, path]) => path.length > 0);
      fc.assert(
        fc.property(withPersonalValue, ([data, path, value]) => {
          const refused = rejection(definition.type, setAt(data, path, value));
          expect(refused?.code).toBe('PERSONAL_DATA_REFUSED');
          // The error names where, never what.
          expect(refused!.message).not.toContain(String(value));
        }),
        { numRuns: 200 },
      );
    }
  });

  it('refuses a field the event type does not declare, even with a harmless value', () => {
    for (const definition of definitions) {
      fc.assert(
        fc.property(arbitraryFor(definition.schema), fc.constantFrom('nama', 'alamat', 'tglLahir', 'extra'), (data, field) => {
          expect(rejection(definition.type, { ...(data as object), [field]: 'x' })?.code).toBe('EVENT_FIELD_UNKNOWN');
        }),
        { numRuns: 50 },
      );
    }
  });

  it('never repeats an undeclared field name in its refusal (it may be a name or a NIK)', () => {
    for (const definition of definitions) {
      fc.assert(
        fc.property(arbitraryFor(definition.schema), personalValue, (data, value) => {
          const refused = rejection(definition.type, { ...(data as object), 'Budi Santoso': value });
          expect(refused).toBeDefined();
          expect(refused!.message).not.toContain('Budi');
        }),
        { numRuns: 50 },
      );
      const keyed = rejection(definition.type, { '3313011209900001': 1 });
      expect(keyed?.message).not.toContain('3313011209900001');
    }
  });

  it('refuses an event type nobody registered', () => {
    expect(rejection('PatientNamed', { name: 'x' })?.code).toBe('EVENT_TYPE_UNKNOWN');
  });

  it('does not mistake opaque ids, timestamps and ordinary numbers for a NIK', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.date({ noInvalidDate: true }), fc.integer({ min: 0, max: 999_999_999_999_999 }), (uuid, date, n) => {
        expect(looksLikeNikOrKk(uuid)).toBe(false);
        expect(looksLikeNikOrKk(`access-${uuid}`)).toBe(false);
        expect(looksLikeNikOrKk(date.toISOString())).toBe(false);
        expect(looksLikeNikOrKk(n)).toBe(false);
        expect(looksLikeNikOrKk('473.3/2271.12/IX/2022')).toBe(false);
      }),
    );
    expect(looksLikeNikOrKk('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(looksLikeNikOrKk('access-12345678-1234-4234-8234-123456789012')).toBe(false);
    // ...but a NIK beside a UUID is still a NIK.
    expect(looksLikeNikOrKk('3313011209900001 12345678-1234-4234-8234-123456789012')).toBe(true);
  });

  it('refuses at registration a schema that leaves room for free personal text', () => {
    const open = { type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } } as const;
    expect(() => schemas.register({ type: 'LooseEvent', version: 1, schema: open })).toThrow(/unconstrained string/);
    const unclosed = { type: 'object', properties: { n: { type: 'integer' } } } as const;
    expect(() => schemas.register({ type: 'OpenEvent', version: 1, schema: unclosed })).toThrow(/additionalProperties/);
  });
});

const embedded = storeTargets[0]!;
describe('A refused append on the embedded store', () => {
  it('writes nothing at all, whatever personal value and whichever event type', async () => {
    const ctx = await openStore(embedded);
    try {
      const sample = definitions.map((d) => arbitraryFor(d.schema).map((data) => ({ type: d.type, data })));
      await fc.assert(
        fc.asyncProperty(fc.oneof(...sample), personalValue, async (valid, value) => {
          const id = streamId();
          const poisoned = { type: valid.type, data: setAt(valid.data, [leafPaths(valid.data)[0]![0]!], value) as Record<string, unknown> };
          await expect(ctx.store.appendToStream(id, [valid as never, poisoned])).rejects.toMatchObject({ code: 'PERSONAL_DATA_REFUSED' });
        }),
        { numRuns: 100 },
      );
      expect(await ctx.store.readAll({ after: START, maxCount: 1 })).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe("The privacy guard's one exception: an official's NIP in a signatory register", () => {
  const appointed = (nip: unknown, name = 'dr. Purwati, M.Kes.') => ({
    party: 'DINKES',
    name,
    nip,
    golongan: 'IV/c',
    position: 'Kepala Dinas Kesehatan Kabupaten Karanganyar',
    effectiveFrom: '2026-01-02',
    actorId: '1c7a5b63-4d2e-4f90-8b8c-2d3e4f5a6b7c',
  });

  it('accepts an 18-digit NIP in the field its event type declares as an official’s NIP', () => {
    expect(rejection('SignatoryAppointed', appointed('197203121998041002'))).toBeUndefined();
  });

  it('still refuses a NIK or KK number there, however it is written', () => {
    fc.assert(
      fc.property(personalValue, (value) => {
        expect(rejection('SignatoryAppointed', appointed(value))?.code).toBe('PERSONAL_DATA_REFUSED');
      }),
      { numRuns: 300 },
    );
  });

  it('does not spare a NIP anywhere else: in a name, or in a field no type declares official', () => {
    expect(rejection('SignatoryAppointed', appointed('197203121998041002', 'Purwati 197203121998041002'))?.code).toBe('PERSONAL_DATA_REFUSED');
    expect(
      rejection('EvaluationRecorded', {
        evaluationId: '0b6f4a52-3c1d-4e8f-9a7b-1c2d3e4f5a6b',
        kind: 'AD_HOC',
        auditorId: '0b6f4a52-3c1d-4e8f-9a7b-1c2d3e4f5a6b',
        findings: [{ obligation: 'BALIKAN', finding: 'MET', note: 'NIP 197203121998041002' }],
      })?.code,
    ).toBe('PERSONAL_DATA_REFUSED');
  });

  it('refuses at registration an official field in a type that does not say why it carries officials, or a NIP field of another form', () => {
    const nipField = (pattern: string) =>
      ({ type: 'object', additionalProperties: false, properties: { nip: { type: 'string', pattern, 'x-official': 'nip' } } }) as const;
    const nipPattern = definitions.find((d) => d.type === 'SignatoryAppointed')!.schema.properties!.nip!.pattern!;
    expect(() => schemas.register({ type: 'UndeclaredOfficial', version: 1, schema: nipField(nipPattern) })).toThrow(/does not declare officials/);
    expect(() => schemas.register({ type: 'WideNip', version: 1, schema: nipField('^[0-9]{16,18}$'), officials: 'a test' })).toThrow(/NIP pattern/);
    const named = {
      type: 'object',
      additionalProperties: false,
      properties: { name: { type: 'string', pattern: '^[A-Za-z0-9 ]{1,40}$', 'x-official': 'name' } },
    } as const;
    expect(() => schemas.register({ type: 'DigitName', version: 1, schema: named, officials: 'a test' })).toThrow(/without digits/);
  });

  it('lets only the signatory register carry officials', () => {
    expect(definitions.filter((d) => d.officials).map((d) => d.type)).toEqual(['SignatoryAppointed']);
  });
});
