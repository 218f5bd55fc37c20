import type { KeyObject } from 'node:crypto';
import { LOG_ID, verifyCheckpoint, type Checkpoint } from './checkpoint';
import { canonicalBytes, type LogEnvelope } from './log-entry';
import { GENESIS_CHAIN, TreeEdge, chainHash, leafHash } from './merkle';

/** One line of an export's events.ndjson: the event as stored and the digests the notary recorded for it. */
export interface ExportedEvent {
  readonly index: number;
  readonly eventId: string;
  readonly leafHash: string;
  readonly chainHash: string;
  /** null when the store no longer held an event at this place of the log */
  readonly event: LogEnvelope | null;
}

export interface VerifyFailure {
  readonly kind: 'EVENT' | 'CHECKPOINT';
  /** 0-based position in the log */
  readonly index?: number;
  readonly eventId?: string;
  readonly treeSize?: number;
  readonly message: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly events: number;
  readonly checkpoints: number;
  readonly latest: Checkpoint | null;
  readonly failure?: VerifyFailure;
}

/**
 * Re-computes an exported log offline and stops at the first thing that does not hold, in log order:
 * each event's digest from its canonical envelope, the chain from the previous digest, the Merkle root and
 * chain head at every signed checkpoint, each checkpoint's Ed25519 signature with the key the auditor
 * trusts (not one the export carries), and that no checkpoint reaches beyond the last event.
 */
export async function verifyLog(
  lines: AsyncIterable<ExportedEvent> | Iterable<ExportedEvent>,
  checkpoints: readonly Checkpoint[],
  publicKey: KeyObject,
): Promise<VerifyResult> {
  const bySize = new Map(checkpoints.map((c) => [c.treeSize, c]));
  const tree = new TreeEdge();
  let chain: Buffer = GENESIS_CHAIN;
  let verified = 0;
  let latest: Checkpoint | null = null;
  const fail = (failure: VerifyFailure): VerifyResult => ({ ok: false, events: tree.size, checkpoints: verified, latest, failure });

  for await (const line of lines) {
    const i = tree.size;
    const at = `event #${i}`;
    if (line.index !== i) return fail({ kind: 'EVENT', index: i, message: `${at} is missing or out of order: the export has #${line.index} in its place` });
    if (!line.event)
      return fail({ kind: 'EVENT', index: i, eventId: line.eventId, message: `${at} (${line.eventId}) is no longer in the log: it was removed` });
    if (line.event.eventId !== line.eventId) {
      return fail({
        kind: 'EVENT',
        index: i,
        eventId: line.eventId,
        message: `${at}: the log holds ${line.event.eventId} where ${line.eventId} was notarised: an event was removed, inserted or reordered here`,
      });
    }
    const leaf = leafHash(canonicalBytes(line.event));
    if (leaf.toString('hex') !== line.leafHash)
      return fail({
        kind: 'EVENT',
        index: i,
        eventId: line.eventId,
        message: `${at} (${line.eventId}) was altered: its content no longer matches the digest notarised for it`,
      });
    chain = chainHash(chain, leaf);
    if (chain.toString('hex') !== line.chainHash) {
      return fail({
        kind: 'EVENT',
        index: i,
        eventId: line.eventId,
        message: `${at} (${line.eventId}): its chain digest does not follow from the events before it: an event was removed, inserted or reordered before it`,
      });
    }
    tree.append(leaf);
    const checkpoint = bySize.get(tree.size);
    if (checkpoint) {
      const problem = checkCheckpoint(checkpoint, tree.root().toString('hex'), chain.toString('hex'), publicKey);
      if (problem) return fail({ kind: 'CHECKPOINT', treeSize: checkpoint.treeSize, index: i, message: problem });
      verified++;
      latest = checkpoint;
    }
  }
  const beyond = checkpoints.filter((c) => c.treeSize > tree.size).sort((a, b) => a.treeSize - b.treeSize)[0];
  if (beyond) {
    return fail({
      kind: 'CHECKPOINT',
      treeSize: beyond.treeSize,
      index: tree.size,
      message: `the checkpoint at tree size ${beyond.treeSize} covers more events than the export holds (${tree.size}): the log was truncated after event #${tree.size - 1}`,
    });
  }
  return { ok: true, events: tree.size, checkpoints: verified, latest };
}

function checkCheckpoint(c: Checkpoint, root: string, chainHead: string, publicKey: KeyObject): string | undefined {
  const at = `the checkpoint at tree size ${c.treeSize}`;
  if (c.logId !== LOG_ID) return `${at} names another log (${c.logId})`;
  if (!verifyCheckpoint(c, publicKey)) return `${at} is not signed by the given public key: forged, altered, or signed with another key`;
  if (c.rootHash !== root || c.chainHead !== chainHead) {
    return `${at} does not match the events: one of events #0-#${c.treeSize - 1} was altered, removed or reordered and its digests rewritten`;
  }
  return undefined;
}
