import { Type } from '@sinclair/typebox';
import { Answer, Component, Nullable, OneOf } from '../../infrastructure/http/answer-schema';

const Hex = (description: string) => Type.String({ pattern: '^[0-9a-f]*$', description: `hex: ${description}` });
const Hashes = (description: string) => Type.Array(Hex('SHA-256'), { description });

/** A signed tree head (checkpoint.ts): the log's size, Merkle root and chain head at one moment, signed with Ed25519. */
export const CheckpointSchema = Component(
  'Checkpoint',
  Answer({
    logId: Type.String(),
    treeSize: Type.Integer({ minimum: 0 }),
    rootHash: Hex('the RFC 9162 Merkle tree hash of the first treeSize leaves'),
    chainHead: Hex('the chain digest of the last event it covers'),
    signedAt: Type.String({ format: 'date-time' }),
    keyId: Type.String({ description: 'First 16 hex digits of the SHA-256 of the public key (SPKI DER)' }),
    signature: Type.String({ description: 'base64 Ed25519 signature (docs/audit-log.md names the bytes signed)' }),
  }),
);

export const RequestedCheckpointSchema = Answer({
  checkpoint: CheckpointSchema,
  created: Type.Boolean({ description: 'false: nothing was logged since the latest checkpoint, which is answered again' }),
});

/** One event's inclusion proof to a signed checkpoint (RFC 9162). */
export const InclusionProofSchema = Answer({
  eventId: Type.String({ format: 'uuid' }),
  leafIndex: Type.Integer({ minimum: 0 }),
  leafHash: Hex('SHA-256(0x00 || canonical entry)'),
  chainHash: Hex('the chain digest after this event'),
  treeSize: Type.Integer({ minimum: 1 }),
  auditPath: Hashes('nearest the leaf first'),
  checkpoint: CheckpointSchema,
});

/** A log entry exactly as the notary hashed it (docs/audit-log.md: the envelope's nine fields). */
const LogEnvelopeSchema = Answer({
  eventId: Type.String({ format: 'uuid' }),
  type: Type.String(),
  schemaVersion: Type.Integer({ minimum: 1 }),
  streamId: Type.String(),
  revision: Type.String({ description: 'The event number in its stream, as a decimal string' }),
  occurredAt: Type.String({ format: 'date-time' }),
  correlationId: Nullable(Type.String()),
  causationId: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown(), { description: "The event's data as stored (its schema is the event type's)" }),
});

/** The entries of an access or a balikan, each with its inclusion proof to one signed checkpoint. */
export const EntriesProofSchema = Answer({
  id: Type.String({ format: 'uuid' }),
  kind: OneOf(['ACCESS', 'BALIKAN', 'EVENT'] as const),
  treeSize: Type.Integer({ minimum: 1 }),
  checkpoint: CheckpointSchema,
  entries: Type.Array(
    Answer({
      eventId: Type.String({ format: 'uuid' }),
      leafIndex: Type.Integer({ minimum: 0 }),
      leafHash: Hex('SHA-256(0x00 || canonical), as the notary recorded it'),
      canonical: Type.String({ description: 'The exact UTF-8 text hashed: RFC 8785 (JCS) of entry' }),
      entry: LogEnvelopeSchema,
      auditPath: Hashes('nearest the leaf first'),
    }),
  ),
});

/** Consistency proof between two signed checkpoints (RFC 9162). */
export const ConsistencyProofSchema = Answer({ from: CheckpointSchema, to: CheckpointSchema, path: Hashes('RFC 9162 consistency path') });

export const PublicKeySchema = Answer({
  keyId: Type.String({ description: 'As in each checkpoint' }),
  publicKey: Type.String({ description: 'Ed25519 public key, PEM (SPKI)' }),
});
