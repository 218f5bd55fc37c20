import { consistencyRanges, inclusionRanges, leafHash, rangeHash, TreeEdge, type PerfectNode } from '../../src/modules/audit/merkle';
import { consistencyHolds, rootFromInclusionProof } from '../support/rfc9162-verifier';

/*
 * The auditor's verifier in test/support (written from RFC 9162 alone) accepts every proof the gateway makes
 * for trees of up to 40 leaves, and refuses one with a wrong root or a hash left out: so the e2e specs that
 * rely on it test the gateway, not the verifier's own mistakes.
 */
function tree(size: number) {
  const nodes = new Map<string, Buffer>();
  const edge = new TreeEdge();
  for (let i = 0; i < size; i++) {
    const leaf = leafHash(`entry ${i}`);
    nodes.set(`0:${i}`, leaf);
    for (const n of edge.append(leaf)) nodes.set(`${n.level}:${n.index}`, n.hash);
  }
  const node = (n: PerfectNode) => nodes.get(`${n.level}:${n.index}`)!;
  return {
    root: edge.root(),
    leaf: (i: number) => nodes.get(`0:${i}`)!,
    hashes: (ranges: { start: number; end: number }[]) => ranges.map((r) => rangeHash(r, node)),
  };
}

const flipped = (b: Buffer) => Buffer.from(b.map((x, i) => (i === 0 ? x ^ 1 : x)));

describe("The auditor's own RFC 9162 verifier", () => {
  it('accepts every inclusion proof the gateway makes up to 40 leaves, and no other root', () => {
    for (let n = 1; n <= 40; n++) {
      const t = tree(n);
      for (let m = 0; m < n; m++) {
        const path = t.hashes(inclusionRanges(m, n));
        expect(rootFromInclusionProof(m, n, t.leaf(m), path)).toEqual(t.root);
        expect(rootFromInclusionProof(m, n, flipped(t.leaf(m)), path)).not.toEqual(t.root);
      }
    }
  });

  it('accepts every consistency proof the gateway makes up to 40 leaves, and refuses a wrong root or a shortened path', () => {
    for (let n = 1; n <= 40; n++) {
      const later = tree(n);
      for (let m = 1; m <= n; m++) {
        const earlier = tree(m);
        const path = later.hashes(consistencyRanges(m, n));
        expect({ m, n, holds: consistencyHolds(m, n, earlier.root, later.root, path) }).toEqual({ m, n, holds: true });
        expect(consistencyHolds(m, n, flipped(earlier.root), later.root, path)).toBe(false);
        if (path.length > 0) expect(consistencyHolds(m, n, earlier.root, later.root, path.slice(1))).toBe(false);
      }
    }
  });
});
