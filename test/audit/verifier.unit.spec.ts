import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { CheckpointSigner, LOG_ID, type Checkpoint } from '../../src/modules/audit/checkpoint';
import canonicalize from 'canonicalize';
import { canonicalBytes, digestsOf, type LogEnvelope } from '../../src/modules/audit/log-entry';
import { GENESIS_CHAIN, TreeEdge } from '../../src/modules/audit/merkle';
import { verifyLog, type ExportedEvent } from '../../src/modules/audit/verifier';

const trusted = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const other = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);

/** A notarised export as `audit export` writes it, built in memory: events, their digests, a checkpoint every `every` events. */
function exportOf(envelopes: LogEnvelope[], every: number, signer = trusted): { lines: ExportedEvent[]; checkpoints: Checkpoint[] } {
  const edge = new TreeEdge();
  let chain: Buffer = GENESIS_CHAIN;
  const lines: ExportedEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  envelopes.forEach((event, index) => {
    const d = digestsOf(event, chain);
    chain = d.chain;
    edge.append(d.leaf);
    lines.push({ index, eventId: event.eventId, leafHash: d.leaf.toString('hex'), chainHash: d.chain.toString('hex'), event });
    if (edge.size % every === 0 || index === envelopes.length - 1) {
      checkpoints.push(
        signer.sign({
          logId: LOG_ID,
          treeSize: edge.size,
          rootHash: edge.root().toString('hex'),
          chainHead: chain.toString('hex'),
          signedAt: '2026-11-27T00:00:00.000Z',
        }),
      );
    }
  });
  return { lines, checkpoints };
}

const envelope = fc.record({
  eventId: fc.uuid({ version: 4 }),
  type: fc.constantFrom('NikLookupPerformed', 'BalikanSubmitted', 'AccessDenied'),
  schemaVersion: fc.constant(1),
  streamId: fc.uuid({ version: 4 }).map((id) => `access-${id}`),
  revision: fc.nat(5).map(String),
  occurredAt: fc.date({ min: new Date('2025-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
  correlationId: fc.option(fc.uuid({ version: 4 })),
  causationId: fc.constant(null),
  data: fc.record({ outcome: fc.constantFrom('FOUND', 'NOT_FOUND'), attempts: fc.nat(9) }),
});

type Edit =
  | { kind: 'change'; at: number }
  | { kind: 'delete'; at: number; renumber: boolean }
  | { kind: 'swap'; at: number; renumber: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'rewrite'; at: number }
  | { kind: 'forge'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('change' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), renumber: fc.boolean() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), renumber: fc.boolean() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rewrite' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('forge' as const), at: fc.nat() }),
);

/** Applies one edit; returns what a verifier must then say (the position of the first bad thing), or 'ok' when undetectable by design. */
function tamper(
  exp: { lines: ExportedEvent[]; checkpoints: Checkpoint[] },
  e: Edit,
): { lines: ExportedEvent[]; checkpoints: Checkpoint[]; expect: { index: number; kind: 'EVENT' | 'CHECKPOINT' } | 'ok' } {
  const lines = exp.lines.map((l) => ({ ...l }));
  let checkpoints = [...exp.checkpoints];
  const n = lines.length;
  const at = e.at % n;
  const renumber = (from: number) => lines.forEach((l, i) => i >= from && (lines[i] = { ...l, index: i }));
  const coveringCheckpoint = (i: number) => checkpoints.filter((c) => c.treeSize > i).sort((a, b) => a.treeSize - b.treeSize)[0];
  switch (e.kind) {
    case 'change':
      lines[at] = { ...lines[at]!, event: { ...lines[at]!.event!, data: { outcome: 'FOUND', attempts: 99 } } };
      return { lines, checkpoints, expect: { index: at, kind: 'EVENT' } };
    case 'delete':
      if (at === n - 1) {
        lines.pop();
        return { lines, checkpoints, expect: coveringCheckpoint(at) ? { index: at, kind: 'CHECKPOINT' } : 'ok' };
      }
      lines.splice(at, 1);
      if (e.renumber) renumber(at);
      return { lines, checkpoints, expect: { index: at, kind: 'EVENT' } };
    case 'swap': {
      if (at === n - 1) return { lines, checkpoints, expect: 'ok' };
      [lines[at], lines[at + 1]] = [lines[at + 1]!, lines[at]!];
      if (e.renumber) renumber(at);
      return { lines, checkpoints, expect: { index: at, kind: 'EVENT' } };
    }
    case 'truncate':
      lines.splice(at);
      return { lines, checkpoints, expect: coveringCheckpoint(at) ? { index: at, kind: 'CHECKPOINT' } : 'ok' };
    case 'rewrite': {
      // An attacker who also recomputes every digest after the edit: only a signed checkpoint can tell.
      const edited = lines.map((l, i) => (i === at ? { ...l.event!, data: { outcome: 'FOUND', attempts: 77 } } : l.event!));
      const rebuilt = exportOf(edited, Number.MAX_SAFE_INTEGER).lines;
      const first = coveringCheckpoint(at);
      return { lines: rebuilt, checkpoints, expect: first ? { index: first.treeSize - 1, kind: 'CHECKPOINT' } : 'ok' };
    }
    case 'forge': {
      const c = checkpoints[at % checkpoints.length]!;
      checkpoints = checkpoints.map((x) => (x === c ? other.sign({ ...c, rootHash: c.rootHash }) : x));
      return { lines, checkpoints, expect: { index: c.treeSize - 1, kind: 'CHECKPOINT' } };
    }
  }
}

describe('The canonical encoding of an event envelope', () => {
  it('is byte for byte RFC 8785 (the canonicalize library on the whole envelope), whatever the data holds (property)', () => {
    const anyData = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });
    fc.assert(
      fc.property(envelope, anyData, fc.string({ unit: 'grapheme' }), (e, data, text) => {
        const withData = { ...(e as LogEnvelope), data, streamId: `s-${text}` };
        expect(canonicalBytes(withData).toString('utf8')).toBe(canonicalize(withData));
      }),
      { numRuns: 300 },
    );
  });
});

describe('The offline verifier of an exported audit log', () => {
  it('verifies an untouched export, every checkpoint included', async () => {
    const envelopes = fc.sample(envelope, 25) as LogEnvelope[];
    const exp = exportOf(envelopes, 10);
    const result = await verifyLog(exp.lines, exp.checkpoints, trusted.publicKey);
    expect(result).toMatchObject({ ok: true, events: 25, checkpoints: 3, latest: { treeSize: 25 } });
  });

  it('names the first bad event or checkpoint after any single edit: a changed field, a deletion, a swap, a truncation, rewritten digests, a forged signature (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(envelope, { minLength: 2, maxLength: 40 }), fc.integer({ min: 1, max: 12 }), edit, async (envelopes, every, e) => {
        fc.pre(new Set(envelopes.map((x) => x.eventId)).size === envelopes.length);
        const tampered = tamper(exportOf(envelopes as LogEnvelope[], every), e);
        const result = await verifyLog(tampered.lines, tampered.checkpoints, trusted.publicKey);
        if (tampered.expect === 'ok') {
          expect(result.ok).toBe(true);
          return;
        }
        expect(result.ok).toBe(false);
        expect({ kind: result.failure!.kind, index: result.failure!.index }).toEqual(tampered.expect);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses checkpoints signed with a key other than the one the auditor trusts', async () => {
    const exp = exportOf(fc.sample(envelope, 5) as LogEnvelope[], 5, other);
    const result = await verifyLog(exp.lines, exp.checkpoints, trusted.publicKey);
    expect(result.failure).toMatchObject({ kind: 'CHECKPOINT', treeSize: 5, message: expect.stringContaining('not signed by the given public key') });
  });

  it('says a log was truncated when a checkpoint reaches beyond its last event', async () => {
    const exp = exportOf(fc.sample(envelope, 12) as LogEnvelope[], 4);
    const result = await verifyLog(exp.lines.slice(0, 9), exp.checkpoints, trusted.publicKey);
    expect(result.failure!.message).toBe('the checkpoint at tree size 12 covers more events than the export holds (9): the log was truncated after event #8');
  });
});
