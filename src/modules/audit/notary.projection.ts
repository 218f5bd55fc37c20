import type { DataSource, EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import type { Projection } from '../../infrastructure/projections/projection';
import { CHECKPOINT_COLUMNS, LOG_ID, checkpointOfRow, type Checkpoint, type CheckpointRow, type CheckpointSigner } from './checkpoint';
import { digestsOf, envelopeOf } from './log-entry';
import { GENESIS_CHAIN, TreeEdge, edgeNodes, type PerfectNode } from './merkle';

export const NOTARY_PROJECTION = 'notary';

/** A rebuild recomputed a root that differs from one signed earlier: the log was changed after signing. */
export class LogAlteredError extends Error {
  constructor(readonly treeSize: number) {
    super(
      `The log differs from the checkpoint signed at tree size ${treeSize}: events were altered, removed or reordered after it was signed. Run "npm run cli -- audit export" and "audit verify" to find the first bad event.`,
    );
  }
}

export interface NotarySettings {
  /** A checkpoint at every multiple of this many events. */
  readonly everyEvents: number;
  /** ...and at the end of a batch when the last checkpoint is older than this and the log grew. */
  readonly everyMs: number;
  /** Resolved on first use (a key file is created only when there is something to sign). */
  readonly signer: () => CheckpointSigner;
  readonly now?: () => Date;
}

/**
 * Follows the whole log in its global order, with any adapter, events as stored: per event a leaf digest
 * (RFC 6962) of its canonical envelope and a chain digest over the previous one, and where the event lives
 * (stream and revision, so an event id finds its entry on any adapter); the perfect subtrees of
 * the Merkle tree; signed checkpoints. All in the transaction that moves the runner's checkpoint.
 */
export class NotaryProjection implements Projection {
  readonly name = NOTARY_PROJECTION;
  readonly handles = ['*'];
  readonly readsStoredForm = true;
  /** Larger batches: its work per event is small, so one commit per 1,000 events was a fifth of its time. */
  readonly batchSize = 5000;

  constructor(private readonly settings: NotarySettings) {}

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const head = await logHead(tx);
    const { size, edge } = head;
    let chain = head.chain;
    const [previous]: { tree_size: string; signed_at: Date }[] = await tx.query(
      `SELECT tree_size::text, signed_at FROM audit_checkpoints ORDER BY audit_checkpoints.tree_size DESC LIMIT 1`,
    );
    let lastSignedAt = previous ? new Date(previous.signed_at).getTime() : 0;
    let lastSignedSize = previous ? Number(previous.tree_size) : 0;

    const leaves = {
      index: [] as string[],
      eventId: [] as string[],
      streamId: [] as string[],
      revision: [] as string[],
      leaf: [] as Buffer[],
      chain: [] as Buffer[],
    };
    const nodes = { level: [] as number[], index: [] as string[], hash: [] as Buffer[] };
    const checkpoints: Omit<Checkpoint, 'keyId' | 'signature'>[] = [];
    const now = (this.settings.now ?? (() => new Date()))();
    const checkpoint = () => {
      checkpoints.push({
        logId: LOG_ID,
        treeSize: edge.size,
        rootHash: edge.root().toString('hex'),
        chainHead: chain.toString('hex'),
        signedAt: now.toISOString(),
      });
      lastSignedSize = edge.size;
      lastSignedAt = now.getTime();
    };

    // Checkpoints signed earlier inside this stretch of the log (a rebuild passes over them): held to them.
    const signedAhead = new Map(
      (
        (await tx.query(`SELECT tree_size::text, root_hash, chain_head FROM audit_checkpoints WHERE tree_size > $1 AND tree_size <= $2`, [
          size,
          size + events.length,
        ])) as {
          tree_size: string;
          root_hash: string;
          chain_head: string;
        }[]
      ).map((r) => [Number(r.tree_size), r]),
    );

    for (const event of events) {
      const digests = digestsOf(envelopeOf(event), chain);
      chain = digests.chain;
      leaves.index.push(String(edge.size));
      leaves.eventId.push(event.eventId);
      leaves.streamId.push(event.streamId);
      leaves.revision.push(event.revision.toString());
      leaves.leaf.push(digests.leaf);
      leaves.chain.push(digests.chain);
      for (const node of edge.append(digests.leaf)) {
        nodes.level.push(node.level);
        nodes.index.push(String(node.index));
        nodes.hash.push(node.hash);
      }
      const signed = signedAhead.get(edge.size);
      if (signed) {
        if (signed.root_hash !== edge.root().toString('hex') || signed.chain_head !== chain.toString('hex')) throw new LogAlteredError(edge.size);
      } else if (edge.size % this.settings.everyEvents === 0) checkpoint();
    }
    if (edge.size > lastSignedSize && now.getTime() - lastSignedAt >= this.settings.everyMs) checkpoint();

    // Digests travel as one binary parameter each (32 bytes apart), not as arrays of hex text: the writes
    // were most of the notary's time.
    if (leaves.index.length > 0) {
      await tx.query(
        `INSERT INTO audit_leaves (leaf_index, event_id, leaf_hash, chain_hash, stream_id, revision)
         SELECT $1::bigint + g, ($2::uuid[])[g + 1], substring($3::bytea FROM g * 32 + 1 FOR 32), substring($4::bytea FROM g * 32 + 1 FOR 32),
                ($6::text[])[g + 1], ($7::bigint[])[g + 1]
         FROM generate_series(0, $5::int - 1) g`,
        [leaves.index[0], leaves.eventId, Buffer.concat(leaves.leaf), Buffer.concat(leaves.chain), leaves.index.length, leaves.streamId, leaves.revision],
      );
    }
    if (nodes.level.length > 0) {
      await tx.query(
        `INSERT INTO audit_nodes (level, node_index, hash)
         SELECT ($1::smallint[])[g + 1], ($2::bigint[])[g + 1], substring($3::bytea FROM g * 32 + 1 FOR 32) FROM generate_series(0, $4::int - 1) g`,
        [nodes.level, nodes.index, Buffer.concat(nodes.hash), nodes.level.length],
      );
    }
    for (const body of checkpoints) await this.record(body, tx);
  }

  /** Signs and stores a checkpoint; one already signed at this size (a rebuild) must agree with it. */
  private async record(body: Omit<Checkpoint, 'keyId' | 'signature'>, tx: EntityManager): Promise<void> {
    const [existing]: { root_hash: string; chain_head: string }[] = await tx.query(`SELECT root_hash, chain_head FROM audit_checkpoints WHERE tree_size = $1`, [
      body.treeSize,
    ]);
    if (existing) {
      if (existing.root_hash !== body.rootHash || existing.chain_head !== body.chainHead) throw new LogAlteredError(body.treeSize);
      return;
    }
    await insertCheckpoint(tx, this.settings.signer().sign(body), 'fail-if-present');
  }

  /** A rebuild recomputes leaves and nodes; the signed checkpoints stay, and the recomputation is held to them. */
  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM audit_leaves');
    await tx.query('DELETE FROM audit_nodes');
  }
}

/**
 * Signs a checkpoint over everything notarised so far, unless one already covers it (what `audit export`
 * does, so an export is anchored to its last event). Returns the tree size covered.
 */
export async function checkpointNow(db: DataSource, signer: CheckpointSigner, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const { size, chain, edge } = await logHead(tx);
    if (size === 0) return 0;
    const signed = signer.sign({
      logId: LOG_ID,
      treeSize: size,
      rootHash: edge.root().toString('hex'),
      chainHead: chain.toString('hex'),
      signedAt: now.toISOString(),
    });
    await insertCheckpoint(tx, signed, 'keep-existing');
    return size;
  });
}

/**
 * The signed checkpoint whose tree ends exactly at this event (the log's first leafIndex + 1 events), signed
 * now if none was, with `signedAt` given by the caller (a report's cut-off), so the same event always gets
 * the same bytes (Ed25519 is deterministic). Null while the notary has not yet logged the event.
 */
export async function checkpointAtEvent(db: EntityManager, signer: CheckpointSigner, eventId: string, signedAt: Date): Promise<Checkpoint | null> {
  return db.transaction(async (tx) => {
    const [leaf]: { leaf_index: string; chain_hash: Buffer }[] = await tx.query(`SELECT leaf_index::text, chain_hash FROM audit_leaves WHERE event_id = $1`, [
      eventId,
    ]);
    if (!leaf) return null;
    const size = Number(leaf.leaf_index) + 1;
    const existing = await storedCheckpointAt(tx, size);
    if (existing) return existing;
    const edge = TreeEdge.of(size, await loadNodes(tx, edgeNodes(size)));
    const body = {
      logId: LOG_ID,
      treeSize: size,
      rootHash: edge.root().toString('hex'),
      chainHead: leaf.chain_hash.toString('hex'),
      signedAt: signedAt.toISOString(),
    };
    // Another instance may sign the same size at the same moment: the first stored stands (both are identical with one key).
    await insertCheckpoint(tx, signer.sign(body), 'keep-existing');
    return storedCheckpointAt(tx, size);
  });
}

/** The signed checkpoint at exactly this tree size, if there is one. */
export async function storedCheckpointAt(db: Pick<EntityManager, 'query'>, size: number): Promise<Checkpoint | null> {
  const rows: CheckpointRow[] = await db.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tree_size = $1`, [size]);
  return rows[0] ? checkpointOfRow(rows[0]) : null;
}

/** The notarised log as it stands: its size, the last chain digest, and the right edge of its tree. */
async function logHead(tx: EntityManager): Promise<{ size: number; chain: Buffer; edge: TreeEdge }> {
  const last: { leaf_index: string; chain_hash: Buffer }[] = await tx.query(
    `SELECT leaf_index::text, chain_hash FROM audit_leaves ORDER BY audit_leaves.leaf_index DESC LIMIT 1`,
  );
  const size = last[0] ? Number(last[0].leaf_index) + 1 : 0;
  return { size, chain: last[0]?.chain_hash ?? GENESIS_CHAIN, edge: TreeEdge.of(size, await loadNodes(tx, edgeNodes(size))) };
}

/** Stores a signed checkpoint; `keep-existing` leaves one already signed at that size (a concurrent notary's) alone. */
async function insertCheckpoint(tx: EntityManager, c: Checkpoint, onConflict: 'fail-if-present' | 'keep-existing'): Promise<void> {
  await tx.query(
    `INSERT INTO audit_checkpoints (tree_size, root_hash, chain_head, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)${onConflict === 'keep-existing' ? ' ON CONFLICT (tree_size) DO NOTHING' : ''}`,
    [c.treeSize, c.rootHash, c.chainHead, c.signedAt, c.keyId, c.signature],
  );
}

/** Perfect nodes by (level, index): level 0 from the leaves, the rest from audit_nodes, in one query. */
export async function loadNodes(db: Pick<EntityManager, 'query'>, wanted: readonly PerfectNode[]): Promise<(n: PerfectNode) => Buffer> {
  const found = new Map<string, Buffer>();
  if (wanted.length > 0) {
    const rows: { level: number; node_index: string; hash: Buffer }[] = await db.query(
      `SELECT 0 AS level, leaf_index::text AS node_index, leaf_hash AS hash FROM audit_leaves WHERE leaf_index = ANY($1::bigint[])
       UNION ALL
       SELECT n.level, n.node_index::text, n.hash FROM audit_nodes n JOIN unnest($2::smallint[], $3::bigint[]) AS w(level, node_index) USING (level, node_index)`,
      [wanted.filter((n) => n.level === 0).map((n) => String(n.index)), wanted.map((n) => n.level), wanted.map((n) => String(n.index))],
    );
    for (const r of rows) found.set(`${r.level}:${r.node_index}`, r.hash);
  }
  return (n) => {
    const hash = found.get(`${n.level}:${n.index}`);
    if (!hash) throw new Error(`Merkle node ${n.level}:${n.index} is missing from the notary's tables`);
    return hash;
  };
}
