import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DataSource } from 'typeorm';
import { START, type EventStore, type LogPosition, type RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import { checkpoints } from './audit-log.query';
import type { Checkpoint, CheckpointSigner } from './checkpoint';
import { envelopeOf } from './log-entry';
import type { ExportedEvent } from './verifier';

const BATCH = 2000;

/**
 * Writes the notarised log to a directory: events.ndjson (each event as stored, which holds no personal
 * data, with the digests the notary recorded), checkpoints.json and the signer's public key. The events
 * are read from the store, the digests from the notary's tables: a change to either shows in `verify`.
 */
export async function exportLog(store: EventStore, db: DataSource, signer: CheckpointSigner, dir: string): Promise<{ events: number; checkpoints: number }> {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(join(dir, 'events.ndjson'));
  let after: LogPosition = START;
  let pending: RecordedEvent[] = [];
  let written = 0;
  for (;;) {
    const leaves: { leaf_index: string; event_id: string; leaf_hash: Buffer; chain_hash: Buffer }[] = await db.query(
      `SELECT leaf_index::text, event_id, leaf_hash, chain_hash FROM audit_leaves WHERE leaf_index >= $1 ORDER BY audit_leaves.leaf_index LIMIT ${BATCH}`,
      [written],
    );
    if (leaves.length === 0) break;
    for (const leaf of leaves) {
      if (pending.length === 0) {
        pending = await store.readAll({ after, maxCount: BATCH, stored: true });
        if (pending.length > 0) after = pending[pending.length - 1]!.globalPosition;
      }
      const event = pending.shift();
      const line: ExportedEvent = {
        index: Number(leaf.leaf_index),
        eventId: leaf.event_id,
        leafHash: leaf.leaf_hash.toString('hex'),
        chainHash: leaf.chain_hash.toString('hex'),
        event: event ? envelopeOf(event) : null,
      };
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      written++;
    }
  }
  out.end();
  await once(out, 'finish');
  const signed = await checkpoints(db);
  writeFileSync(join(dir, 'checkpoints.json'), `${JSON.stringify(signed, null, 2)}\n`);
  writeFileSync(join(dir, 'public-key.pem'), signer.publicKeyPem());
  return { events: written, checkpoints: signed.length };
}

/** The lines of an export's events.ndjson, streamed (an export of millions of events never sits in memory). */
export async function* readExportedEvents(dir: string): AsyncGenerator<ExportedEvent> {
  const lines = createInterface({ input: createReadStream(join(dir, 'events.ndjson'), 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as ExportedEvent;
}

export function readExportedCheckpoints(dir: string): Checkpoint[] {
  return JSON.parse(readFileSync(join(dir, 'checkpoints.json'), 'utf8')) as Checkpoint[];
}
