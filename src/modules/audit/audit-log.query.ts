// ORDER BY names the table column: a text-cast output column of the same name would sort as text (99 after 146).
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../infrastructure/refusal';
import { CHECKPOINT_COLUMNS, checkpointOfRow, type Checkpoint, type CheckpointRow } from './checkpoint';
import { canonicalBytes, envelopeOf, type LogEnvelope } from './log-entry';
import { consistencyRanges, inclusionRanges, perfectNodes, rangeHash, type Range } from './merkle';
import { loadNodes, storedCheckpointAt } from './notary.projection';

type Db = Pick<EntityManager, 'query'>;

export async function checkpoints(db: Db, fromSize = 0): Promise<Checkpoint[]> {
  const rows: CheckpointRow[] = await db.query(
    `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tree_size >= $1 ORDER BY audit_checkpoints.tree_size`,
    [fromSize],
  );
  return rows.map(checkpointOfRow);
}

export async function latestCheckpoint(db: Db): Promise<Checkpoint | null> {
  const rows: CheckpointRow[] = await db.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY audit_checkpoints.tree_size DESC LIMIT 1`);
  return rows[0] ? checkpointOfRow(rows[0]) : null;
}

async function checkpointAt(db: Db, size: number): Promise<Checkpoint> {
  const checkpoint = await storedCheckpointAt(db, size);
  if (!checkpoint) throw new Refusal(404, 'CHECKPOINT_NOT_FOUND', `No signed checkpoint at tree size ${size}.`);
  return checkpoint;
}

/** The smallest signed checkpoint whose tree includes the leaf at this index, if one was signed yet. */
export async function firstCheckpointCovering(db: Db, leafIndex: number): Promise<Checkpoint | null> {
  const rows: CheckpointRow[] = await db.query(
    `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tree_size > $1 ORDER BY audit_checkpoints.tree_size LIMIT 1`,
    [leafIndex],
  );
  return rows[0] ? checkpointOfRow(rows[0]) : null;
}

/**
 * The checkpoint a proof of leaves up to `lastLeafIndex` is made against: the one named by `treeSize`
 * (422 CHECKPOINT_TOO_SMALL when it does not include them), else the first covering them (409
 * NOT_YET_CHECKPOINTED while none does). The messages speak of what is being proved.
 */
async function provingCheckpoint(
  db: Db,
  lastLeafIndex: number,
  treeSize: number | undefined,
  messages: { readonly tooSmall: string; readonly notCovered: string },
): Promise<Checkpoint> {
  if (treeSize !== undefined) {
    const named = await checkpointAt(db, treeSize);
    if (named.treeSize <= lastLeafIndex) throw new Refusal(422, 'CHECKPOINT_TOO_SMALL', messages.tooSmall);
    return named;
  }
  const covering = await firstCheckpointCovering(db, lastLeafIndex);
  if (!covering) throw new Refusal(409, 'NOT_YET_CHECKPOINTED', messages.notCovered);
  return covering;
}

/** The Merkle hashes of the ranges, from the stored perfect subtrees (one query). */
async function hashesOf(db: Db, ranges: readonly Range[]): Promise<string[]> {
  const node = await loadNodes(
    db,
    ranges.flatMap((r) => perfectNodes(r)),
  );
  return ranges.map((r) => rangeHash(r, node).toString('hex'));
}

/** RFC 9162 inclusion proof of an event to a signed checkpoint (the first that covers it, unless one is named). */
export async function inclusionProof(db: Db, eventId: string, treeSize?: number) {
  const rows: { leaf_index: string; leaf_hash: Buffer; chain_hash: Buffer }[] = await db.query(
    `SELECT leaf_index::text, leaf_hash, chain_hash FROM audit_leaves WHERE event_id = $1`,
    [eventId],
  );
  if (!rows[0]) throw new Refusal(404, 'EVENT_NOT_NOTARISED', 'No event with this id in the notarised log (yet).');
  const leafIndex = Number(rows[0].leaf_index);
  const checkpoint = await provingCheckpoint(db, leafIndex, treeSize, {
    tooSmall: 'That checkpoint was signed before this event was logged.',
    notCovered: 'The event is logged but no signed checkpoint covers it yet; ask again after the next checkpoint.',
  });
  return {
    eventId,
    leafIndex,
    leafHash: rows[0].leaf_hash.toString('hex'),
    chainHash: rows[0].chain_hash.toString('hex'),
    treeSize: checkpoint.treeSize,
    auditPath: await hashesOf(db, inclusionRanges(leafIndex, checkpoint.treeSize)),
    checkpoint,
  };
}

/** RFC 9162 consistency proof: the log at `from` is a prefix of the log at `to` (both signed checkpoints). */
export async function consistencyProof(db: Db, from: number, to: number) {
  if (from > to) throw new Refusal(400, 'RANGE_INVALID', 'from must not be larger than to.');
  const [first, second] = [await checkpointAt(db, from), await checkpointAt(db, to)];
  return { from: first, to: second, path: await hashesOf(db, consistencyRanges(from, to)) };
}

/** One log entry as the notary hashed it, with its RFC 9162 inclusion proof. */
export interface ProvedEntry {
  readonly eventId: string;
  readonly leafIndex: number;
  /** hex: SHA-256(0x00 || canonical), as the notary recorded it */
  readonly leafHash: string;
  /** The exact UTF-8 text hashed: RFC 8785 (JCS) of `entry` */
  readonly canonical: string;
  readonly entry: LogEnvelope;
  /** hex, nearest the leaf first */
  readonly auditPath: string[];
}

/**
 * Inclusion proofs of several events (as stored, never upcast) to one signed checkpoint: the named one,
 * or the first that covers them all.
 */
export async function entriesProof(db: Db, events: readonly RecordedEvent[], treeSize?: number) {
  const rows: { event_id: string; leaf_index: string; leaf_hash: Buffer }[] = await db.query(
    `SELECT event_id::text, leaf_index::text, leaf_hash FROM audit_leaves WHERE event_id = ANY($1::uuid[])`,
    [events.map((e) => e.eventId)],
  );
  const leaf = new Map(rows.map((r) => [r.event_id.toLowerCase(), { index: Number(r.leaf_index), hash: r.leaf_hash.toString('hex') }]));
  if (events.some((e) => !leaf.has(e.eventId.toLowerCase())))
    throw new Refusal(409, 'NOT_YET_NOTARISED', 'Some events of this id are not in the notarised log yet; ask again in a few seconds.');
  const last = Math.max(...[...leaf.values()].map((l) => l.index));
  const checkpoint = await provingCheckpoint(db, last, treeSize, {
    tooSmall: 'That checkpoint was signed before some of these events were logged.',
    notCovered: 'The events are logged but no signed checkpoint covers them yet; request one (POST /v1/audit/checkpoints) or ask again after the next.',
  });
  const entries: ProvedEntry[] = [];
  for (const event of events) {
    const { index, hash } = leaf.get(event.eventId.toLowerCase())!;
    const entry = envelopeOf(event);
    entries.push({
      eventId: event.eventId,
      leafIndex: index,
      leafHash: hash,
      canonical: canonicalBytes(entry).toString('utf8'),
      entry,
      auditPath: await hashesOf(db, inclusionRanges(index, checkpoint.treeSize)),
    });
  }
  return { treeSize: checkpoint.treeSize, checkpoint, entries };
}
