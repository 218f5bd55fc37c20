import { Type, type Static, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { EventDefinition, Upcaster } from './event-schemas';
import { NIP_PATTERN } from './personal-data';
import type { RecordedEvent } from './event-store.port';

/**
 * Event schemas written once, with TypeBox: the object built is the JSON Schema the privacy guard hands
 * to ajv, and `Static` of it is the TypeScript type of the event's data. The builders write only what a
 * closed schema may hold (see `assertClosedSchema` in event-schemas.ts): listed fields, constrained strings.
 */

/** An object schema that lists its fields and refuses any other. */
export type TClosed<P extends TProperties = TProperties> = TObject<P> & { readonly additionalProperties: false };
/** What every event's data schema is: a closed object (`Closed(...)`). */
export interface ClosedSchema extends TSchema {
  readonly type: 'object';
  readonly properties: TProperties;
  readonly additionalProperties: false;
}

/** An object that lists its fields and refuses any other. Fields are required unless wrapped in `Optional`. */
export const Closed = <P extends TProperties>(properties: P): TClosed<P> => Type.Object(properties, { additionalProperties: false }) as TClosed<P>;
export const Optional = Type.Optional;
export const Uuid = () => Type.String({ format: 'uuid' });
/** A calendar day, YYYY-MM-DD. */
export const Day = () => Type.String({ format: 'date' });
export const DateTime = () => Type.String({ format: 'date-time' });
export const Pattern = (pattern: string) => Type.String({ pattern });
/** One of a fixed list of strings, or of whole numbers (as JSON Schema `enum`). */
export function OneOf<const V extends readonly string[] | readonly number[]>(values: V): TUnsafe<V[number]> {
  const type = values.every((v) => typeof v === 'number') ? 'integer' : 'string';
  return Type.Unsafe<V[number]>({ type, enum: values });
}
export const Int = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });
export const Bool = () => Type.Boolean();
export const List = <T extends TSchema>(items: T, limits: { readonly maxItems: number; readonly minItems?: number; readonly uniqueItems?: boolean }) =>
  Type.Array(items, { ...limits });
/** A deliberately free string (a short note): it must have a length limit; the NIK/KK scan still applies. */
export const FreeText = (maxLength: number) => Type.String({ 'x-free-text': true, maxLength });

/**
 * A public official's name or position (a signatory register): letters, spaces and . , ' - ( ) / & only, so
 * no number can hide in it; marked `x-official`, which only event types declaring `officials` may use.
 */
export const OfficialText = (kind: 'name' | 'position', maxLength: number) =>
  Type.String({ 'x-official': kind, pattern: `^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F .,'()/&-]{1,${maxLength - 1}}$`, maxLength });
/** A civil servant's NIP (18 digits of a fixed form), the one value the NIK scan spares, in a field marked `x-official: nip`. */
export const OfficialNip = () => Type.String({ 'x-official': 'nip', pattern: NIP_PATTERN });

/** An event definition that knows its type name and its data's schema, and so the data's TypeScript type. */
export interface TypedEventDefinition<T extends string = string, S extends ClosedSchema = ClosedSchema> extends EventDefinition {
  readonly type: T;
  readonly schema: S;
}

/** The TypeScript type of an event's data, from its schema. */
export type DataOf<D> = D extends TypedEventDefinition<string, infer S> ? Static<S> : never;

/** A recorded event of one definition: its `type` is the literal name, its `data` the schema's type. */
export type EventOf<D extends TypedEventDefinition> = Omit<RecordedEvent, 'type' | 'data'> & { readonly type: D['type']; readonly data: DataOf<D> };

/** A recorded event of any of these definitions: a union that a `switch (event.type)` narrows. */
export type EventsOf<Ds extends readonly TypedEventDefinition[]> = Ds[number] extends infer D ? (D extends TypedEventDefinition ? EventOf<D> : never) : never;

export function defineEvent<const T extends string, S extends ClosedSchema>(
  type: T,
  schema: S,
  options: {
    readonly version: number;
    readonly upcasters?: Readonly<Record<number, Upcaster>>;
    readonly description?: string;
    /** Why the type carries public officials' names or NIPs (required for `Official*` fields). */
    readonly officials?: string;
  },
): TypedEventDefinition<T, S> {
  return {
    type,
    version: options.version,
    // TypeBox's own markers on the schema are symbols, which ajv and JSON ignore.
    schema,
    ...(options.upcasters ? { upcasters: options.upcasters } : {}),
    ...(options.description ? { description: options.description } : {}),
    ...(options.officials ? { officials: options.officials } : {}),
  };
}

/**
 * Whether a recorded event is of this definition, typing its data. Data read from the store passed the
 * schema when it was appended and is upcast to the current version on read, so the type holds.
 */
export function isEventOf<D extends TypedEventDefinition>(definition: D, event: RecordedEvent): event is RecordedEvent & EventOf<D> {
  return event.type === definition.type;
}

/** The event typed as one of these definitions, or undefined when it is of none of them. */
export function eventOf<const Ds extends readonly TypedEventDefinition[]>(definitions: Ds, event: RecordedEvent): EventsOf<Ds> | undefined {
  return definitions.some((d) => d.type === event.type) ? (event as EventsOf<Ds>) : undefined;
}
