import { createHash, hash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing, pure: a leaf is SHA-256(0x00 || bytes), a node
 * SHA-256(0x01 || left || right), and MTH(D[n]) splits at the largest power of two below n. Inclusion
 * and consistency proofs are produced as lists of ranges (whose hashes a caller looks up) and checked by
 * the RFC 9162 verification algorithms.
 */

export const EMPTY_ROOT = createHash('sha256').digest();

// One-shot hashing of one buffer (crypto.hash) is about a third cheaper than a Hash object per digest.
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const CHAIN = Buffer.from([2]);
const sha256 = (parts: Buffer[]) => hash('sha256', Buffer.concat(parts), 'buffer') as unknown as Buffer;

export const leafHash = (bytes: Buffer | string) => sha256([LEAF, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes]);
export const nodeHash = (left: Buffer, right: Buffer) => sha256([NODE, left, right]);

/** The per-event chain: each digest covers the previous one, so nothing can be removed or reordered unseen. */
export const GENESIS_CHAIN = Buffer.alloc(32);
export const chainHash = (previous: Buffer, leaf: Buffer) => sha256([CHAIN, previous, leaf]);

/** Largest power of two strictly below n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A range of leaves [start, end). */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/** A perfect subtree: 2^level leaves from index << level. */
export interface PerfectNode {
  readonly level: number;
  readonly index: number;
}

/** Splits [start, end) into aligned perfect subtrees, left to right (what a stored tree can answer directly). */
export function perfectNodes(range: Range): PerfectNode[] {
  const nodes: PerfectNode[] = [];
  let start = range.start;
  while (start < range.end) {
    let level = 0;
    while (start % 2 ** (level + 1) === 0 && start + 2 ** (level + 1) <= range.end) level++;
    nodes.push({ level, index: start / 2 ** level });
    start += 2 ** level;
  }
  return nodes;
}

/** MTH of a range whose aligned pieces are known (RFC 6962 splitting, not a left-to-right fold). */
export function rangeHash(range: Range, node: (n: PerfectNode) => Buffer): Buffer {
  const n = range.end - range.start;
  if (n === 0) return EMPTY_ROOT;
  const level = Math.log2(n);
  if (Number.isInteger(level) && range.start % n === 0) return node({ level, index: range.start / n });
  const k = splitPoint(n);
  return nodeHash(rangeHash({ start: range.start, end: range.start + k }, node), rangeHash({ start: range.start + k, end: range.end }, node));
}

/** RFC 9162 PATH(m, D[0:n]) as ranges, nearest the leaf first. */
export function inclusionRanges(m: number, n: number, offset = 0): Range[] {
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...inclusionRanges(m, k, offset), { start: offset + k, end: offset + n }]
    : [...inclusionRanges(m - k, n - k, offset + k), { start: offset, end: offset + k }];
}

/** RFC 9162 PROOF(m, D[0:n]) as ranges. */
export function consistencyRanges(m: number, n: number): Range[] {
  const sub = (m: number, n: number, offset: number, whole: boolean): Range[] => {
    if (m === n) return whole ? [] : [{ start: offset, end: offset + n }];
    const k = splitPoint(n);
    return m <= k
      ? [...sub(m, k, offset, whole), { start: offset + k, end: offset + n }]
      : [...sub(m - k, n - k, offset + k, false), { start: offset, end: offset + k }];
  };
  return m === 0 || m > n ? [] : sub(m, n, 0, true);
}

/** RFC 9162 2.1.3.2: does `path` prove leaf `index` in a tree of `size` with this root? */
export function verifyInclusion(leaf: Buffer, index: number, size: number, path: readonly Buffer[], root: Buffer): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: does `path` prove the tree of size m (root1) is a prefix of the tree of size n (root2)? */
export function verifyConsistency(m: number, n: number, root1: Buffer, root2: Buffer, path: readonly Buffer[]): boolean {
  if (m < 1 || m > n) return false;
  if (m === n) return path.length === 0 && root1.equals(root2);
  const proof = Number.isInteger(Math.log2(m)) ? [root1, ...path] : [...path];
  if (proof.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = proof[0]!;
  let sr = proof[0]!;
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

/**
 * The right edge of a growing tree: the perfect subtrees that make up [0, size), largest first (one per
 * set bit of size). Appending a leaf merges equal-sized neighbours, which yields exactly the new perfect
 * nodes to store; the root is the right fold of the edge. O(log n) per leaf, nothing re-read.
 */
export class TreeEdge {
  constructor(
    private size_: number = 0,
    private readonly edge: { level: number; hash: Buffer }[] = [],
  ) {}

  /** Rebuilds the edge of a tree of `size` from its perfect nodes (what `edgeNodes(size)` names). */
  static of(size: number, node: (n: PerfectNode) => Buffer): TreeEdge {
    return new TreeEdge(
      size,
      edgeNodes(size).map((n) => ({ level: n.level, hash: node(n) })),
    );
  }

  get size(): number {
    return this.size_;
  }

  /** Adds a leaf; returns the perfect nodes of level >= 1 that it completed. */
  append(leaf: Buffer): (PerfectNode & { hash: Buffer })[] {
    const index = this.size_;
    this.size_++;
    this.edge.push({ level: 0, hash: leaf });
    const completed: (PerfectNode & { hash: Buffer })[] = [];
    while (this.edge.length >= 2 && this.edge[this.edge.length - 1]!.level === this.edge[this.edge.length - 2]!.level) {
      const right = this.edge.pop()!;
      const left = this.edge.pop()!;
      const level = right.level + 1;
      const hash = nodeHash(left.hash, right.hash);
      this.edge.push({ level, hash });
      completed.push({ level, index: Math.floor(index / 2 ** level), hash });
    }
    return completed;
  }

  root(): Buffer {
    if (this.edge.length === 0) return EMPTY_ROOT;
    let r = this.edge[this.edge.length - 1]!.hash;
    for (let i = this.edge.length - 2; i >= 0; i--) r = nodeHash(this.edge[i]!.hash, r);
    return r;
  }
}

/** The perfect nodes on the right edge of a tree of `size`, largest first. */
export function edgeNodes(size: number): PerfectNode[] {
  return perfectNodes({ start: 0, end: size });
}
