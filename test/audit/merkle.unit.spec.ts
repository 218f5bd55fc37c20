import fc from 'fast-check';
import {
  consistencyRanges,
  inclusionRanges,
  leafHash,
  nodeHash,
  perfectNodes,
  rangeHash,
  TreeEdge,
  verifyConsistency,
  verifyInclusion,
  type PerfectNode,
} from '../../src/modules/audit/merkle';

/** The RFC 6962 test vectors of certificate-transparency (leaves, roots per size, proofs). */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** A stored tree, as the notary keeps it: the perfect nodes its edge completed, and the leaves. */
function stored(leaves: Buffer[]) {
  const nodes = new Map<string, Buffer>();
  const edge = new TreeEdge();
  leaves.forEach((leaf, i) => {
    nodes.set(`0:${i}`, leaf);
    for (const n of edge.append(leaf)) nodes.set(`${n.level}:${n.index}`, n.hash);
  });
  const node = (n: PerfectNode) => nodes.get(`${n.level}:${n.index}`)!;
  return { edge, node, hashes: (ranges: { start: number; end: number }[]) => ranges.map((r) => rangeHash(r, node)) };
}

const hexes = (list: Buffer[]) => list.map((b) => b.toString('hex'));
const randomLeaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`event ${i}`));

describe('The Merkle tree of the audit log (RFC 6962)', () => {
  it('gives the root of every size of the reference vectors, growing one leaf at a time', () => {
    const edge = new TreeEdge();
    LEAVES.forEach((leaf, i) => {
      edge.append(leafHash(leaf));
      expect(edge.root().toString('hex')).toBe(ROOTS[i]);
    });
  });

  it('gives the reference inclusion and consistency proofs', () => {
    const tree = stored(LEAVES.map((l) => leafHash(l)));
    expect(hexes(tree.hashes(inclusionRanges(0, 8)))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hexes(tree.hashes(inclusionRanges(5, 8)))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hexes(tree.hashes(consistencyRanges(6, 8)))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hexes(tree.hashes(consistencyRanges(1, 8)))).toEqual(hexes(tree.hashes(inclusionRanges(0, 8))));
  });

  it('proves every leaf of every tree up to 70 leaves, and refuses a proof with one hash changed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat(), (n, m, flip) => {
        const leaves = randomLeaves(n);
        const tree = stored(leaves);
        const root = tree.edge.root();
        const index = m % n;
        const path = tree.hashes(inclusionRanges(index, n));
        expect(verifyInclusion(leaves[index]!, index, n, path, root)).toBe(true);
        if (path.length > 0) {
          const bad = path.map((p, i) => (i === flip % path.length ? nodeHash(p, p) : p));
          expect(verifyInclusion(leaves[index]!, index, n, bad, root)).toBe(false);
        }
        expect(verifyInclusion(leafHash('not in the log'), index, n, path, root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('proves every earlier tree a prefix of a later one, and refuses it once an early leaf differs (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), (a, b) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const leaves = randomLeaves(n);
        const later = stored(leaves);
        const earlier = stored(leaves.slice(0, m));
        const path = later.hashes(consistencyRanges(m, n));
        expect(verifyConsistency(m, n, earlier.edge.root(), later.edge.root(), path)).toBe(true);
        const rewritten = stored([leafHash('rewritten'), ...leaves.slice(1, m)]);
        expect(verifyConsistency(m, n, rewritten.edge.root(), later.edge.root(), path)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any range from the stored perfect subtrees alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.nat(), fc.nat(), (n, x, y) => {
        const [start, end] = [x % n, y % n].sort((p, q) => p - q) as [number, number];
        const tree = stored(randomLeaves(n));
        const nodes = perfectNodes({ start, end: end + 1 });
        expect(nodes.reduce((s, p) => s + 2 ** p.level, 0)).toBe(end + 1 - start);
        // The same as a tree built from just those leaves, aligned or not.
        const direct = stored(randomLeaves(n).slice(start, end + 1)).edge.root();
        expect(rangeHash({ start, end: end + 1 }, tree.node).toString('hex')).toBe(direct.toString('hex'));
      }),
    );
  });
});
