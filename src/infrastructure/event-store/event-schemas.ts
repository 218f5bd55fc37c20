import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { EventRejectedError } from './errors';
import type { EventData } from './event-store.port';
import { findPersonalData, NIP_PATTERN } from './personal-data';

/** The subset of JSON Schema event data schemas are written in. */
export type JsonSchema = {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'null' | readonly string[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: readonly unknown[];
  const?: unknown;
  /** uuid, date-time or date: the formats the schemas register (ajv refuses any other). */
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  /** Marks a deliberately free string (short notes); it must have a maxLength. The NIK/KK scan still applies. */
  'x-free-text'?: true;
  /**
   * A public official's name, NIP or position, as printed on signed documents (a signatory register): not
   * patient data. Only event types that declare `officials` (why they carry them) may use it; a `nip` field
   * must have NIP_PATTERN, and only such a value there is spared the NIK scan.
   */
  'x-official'?: 'name' | 'nip' | 'position';
  description?: string;
};

export type Upcaster = (data: EventData) => EventData;

/** One event type: its current schema version and how older versions are read as the current one. */
export interface EventDefinition {
  readonly type: string;
  /** Current schema version, starting at 1. */
  readonly version: number;
  /** Schema of `data` at the current version. */
  readonly schema: JsonSchema;
  /** upcasters[n] turns data stored at version n into version n + 1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
  readonly description?: string;
  /** Why this event type may carry public officials' names and NIPs (fields marked `x-official`); required for them. */
  readonly officials?: string;
}

interface Registered {
  readonly definition: EventDefinition;
  readonly validate: ValidateFunction;
}

const MAX_EVENT_DATA_BYTES = 8 * 1024;

/**
 * Every event type the system may write, with its schema. The privacy guard: `validate` refuses unknown
 * types, unknown fields, invalid values and NIK/KK-shaped values, naming the path but never the value.
 */
export class EventSchemas {
  private readonly ajv = new Ajv({ strict: true, allErrors: false });
  private readonly types = new Map<string, Registered>();

  constructor(definitions: readonly EventDefinition[] = []) {
    addFormats(this.ajv, ['uuid', 'date-time', 'date']);
    this.ajv.addVocabulary(['x-free-text', 'x-official']);
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventDefinition): void {
    if (!/^[A-Z][A-Za-z0-9]+$/.test(definition.type)) {
      throw new Error(`Event type name "${definition.type}" must be PascalCase`);
    }
    if (this.types.has(definition.type)) throw new Error(`Event type ${definition.type} is registered twice`);
    if (!Number.isInteger(definition.version) || definition.version < 1) {
      throw new Error(`Event type ${definition.type}: version must be an integer >= 1`);
    }
    for (let v = 1; v < definition.version; v++) {
      if (!definition.upcasters?.[v]) throw new Error(`Event type ${definition.type}: no upcaster from version ${v}`);
    }
    assertClosedSchema(definition.schema, definition.type, '');
    assertOfficialFieldsDeclared(definition);
    this.types.set(definition.type, { definition, validate: this.ajv.compile(definition.schema) });
  }

  definitions(): EventDefinition[] {
    return [...this.types.values()].map((r) => r.definition);
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  currentVersion(type: string): number {
    return this.get(type).definition.version;
  }

  /** Throws EventRejectedError unless `data` is a valid, personal-data-free instance of `type`. */
  validate(type: string, data: unknown): void {
    const registered = this.types.get(type);
    if (!registered) throw new EventRejectedError('EVENT_TYPE_UNKNOWN', type, '', 'event type is not registered');
    const personal = findPersonalData(data, registered.definition.schema);
    if (personal) {
      throw new EventRejectedError('PERSONAL_DATA_REFUSED', type, personal, 'value is shaped like a NIK or KK number');
    }
    if (!registered.validate(data)) {
      const error = registered.validate.errors?.[0];
      throw toRejection(type, error);
    }
    const size = Buffer.byteLength(JSON.stringify(data));
    if (size > MAX_EVENT_DATA_BYTES) {
      throw new EventRejectedError('EVENT_DATA_INVALID', type, '', `data is ${size} bytes, above ${MAX_EVENT_DATA_BYTES}`);
    }
  }

  /** Data stored at `storedVersion`, read as the current version. */
  upcast(type: string, storedVersion: number, data: EventData): { data: EventData; version: number } {
    const { definition } = this.get(type);
    let current = data;
    for (let v = storedVersion; v < definition.version; v++) {
      current = definition.upcasters![v]!(current);
    }
    return { data: current, version: Math.max(storedVersion, definition.version) };
  }

  private get(type: string): Registered {
    const registered = this.types.get(type);
    if (!registered) throw new EventRejectedError('EVENT_TYPE_UNKNOWN', type, '', 'event type is not registered');
    return registered;
  }
}

function toRejection(type: string, error: ErrorObject | undefined): EventRejectedError {
  if (!error) return new EventRejectedError('EVENT_DATA_INVALID', type, '', 'invalid data');
  if (error.keyword === 'additionalProperties') {
    // The unknown field's name is caller-chosen text; name its parent path only.
    return new EventRejectedError('EVENT_FIELD_UNKNOWN', type, error.instancePath, 'field is not in the registered schema');
  }
  return new EventRejectedError('EVENT_DATA_INVALID', type, error.instancePath, error.message ?? 'invalid value');
}

/**
 * A schema is closed when every object lists its fields and forbids others, and every string is
 * constrained (enum, const, format or pattern), or explicitly marked free text with a length limit.
 * This is what keeps names and addresses out: there is nowhere to put them.
 */
function assertClosedSchema(schema: JsonSchema, type: string, path: string): void {
  const fail = (why: string) => {
    throw new Error(`Event type ${type}: schema at ${path || '/'} ${why}`);
  };
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('object')) {
    if (schema.additionalProperties !== false) fail('must set additionalProperties: false');
    if (!schema.properties) fail('must list its properties');
    for (const [key, child] of Object.entries(schema.properties ?? {})) assertClosedSchema(child, type, `${path}/${key}`);
  }
  if (types.includes('array')) {
    if (!schema.items) fail('must describe its items');
    if (schema.maxItems === undefined) fail('must set maxItems');
    assertClosedSchema(schema.items!, type, `${path}/items`);
  }
  if (types.includes('string')) {
    const constrained = schema.enum || schema.const !== undefined || schema.format || schema.pattern;
    if (!constrained && !(schema['x-free-text'] && schema.maxLength !== undefined)) {
      fail('is an unconstrained string: give it an enum, format or pattern, or mark it x-free-text with a maxLength');
    }
  }
  if (schema.type === undefined && schema.enum === undefined && schema.const === undefined) fail('must declare a type');
}

/** Fields marked `x-official` only in an event type that says why it carries officials; a NIP field has exactly the NIP form. */
function assertOfficialFieldsDeclared(definition: EventDefinition): void {
  const visit = (schema: JsonSchema, path: string): void => {
    if (schema['x-official']) {
      if (!definition.officials) throw new Error(`Event type ${definition.type}: ${path} is marked x-official but the type does not declare officials`);
      if (schema['x-official'] === 'nip' && schema.pattern !== NIP_PATTERN) throw new Error(`Event type ${definition.type}: ${path} must have the NIP pattern`);
      if (schema['x-official'] !== 'nip' && (!schema.pattern || /\\d|0-9/.test(schema.pattern)))
        throw new Error(`Event type ${definition.type}: ${path} (an official's name or position) must have a pattern without digits`);
    }
    for (const [key, child] of Object.entries(schema.properties ?? {})) visit(child, `${path}/${key}`);
    if (schema.items) visit(schema.items, `${path}/items`);
  };
  visit(definition.schema, '');
}
