import canonicalize from 'canonicalize';
import { createHash, verify, type KeyObject } from 'node:crypto';

/*
 * An auditor's own verifier, written from RFC 9162 §2.1.3.2 and §2.1.4.2 and docs/audit-log.md alone: it
 * uses nothing from the gateway's source (only node:crypto and canonicalize), so a proof it accepts is one
 * any outside client can check. Keep it that way: no import from src/.
 */
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const leafHashOf = (canonicalEntry: string) => sha256(Buffer.from([0x00]), Buffer.from(canonicalEntry, 'utf8'));
const nodeHashOf = (left: Buffer, right: Buffer) => sha256(Buffer.from([0x01]), left, right);
const hex = (h: string) => Buffer.from(h, 'hex');

/** RFC 9162 §2.1.3.2, step by step: the root the path leads to, or null when it cannot be one. */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Buffer, path: readonly Buffer[]): Buffer | null {
  if (leafIndex >= treeSize) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHashOf(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = nodeHashOf(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 §2.1.4.2, step by step: the tree of `first` leaves with `firstRoot` is a prefix of the one of `second` leaves. */
export function consistencyHolds(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHashOf(c, fr);
      sr = nodeHashOf(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = nodeHashOf(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

export interface SignedCheckpoint {
  logId: string;
  treeSize: number;
  rootHash: string;
  chainHead: string;
  signedAt: string;
  keyId: string;
  signature: string;
}

/** Ed25519 over the RFC 8785 text of the five signed fields, with the key the auditor pinned. */
export function checkpointSignatureHolds(c: SignedCheckpoint, publicKey: KeyObject): boolean {
  const signed = canonicalize({ logId: c.logId, treeSize: c.treeSize, rootHash: c.rootHash, chainHead: c.chainHead, signedAt: c.signedAt })!;
  try {
    return verify(null, Buffer.from(signed, 'utf8'), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

/** The answer of GET /v1/audit/entries/{id}, as docs/audit-log.md describes it. */
export interface EntriesAnswer {
  kind: string;
  treeSize: number;
  checkpoint: SignedCheckpoint;
  entries: { eventId: string; leafIndex: number; leafHash: string; canonical: string; entry: Record<string, unknown>; auditPath: string[] }[];
}

/** What the auditor concludes from an answer, with the key pinned once: the problems found, none when it holds. */
export function problemsOf(answer: EntriesAnswer, publicKey: KeyObject): string[] {
  const problems: string[] = [];
  const c = answer.checkpoint;
  if (!checkpointSignatureHolds(c, publicKey)) problems.push('checkpoint signature');
  for (const e of answer.entries) {
    // The entry's fields, canonicalised by RFC 8785, are the very text that was hashed.
    if (canonicalize(e.entry) !== e.canonical) problems.push(`${e.eventId}: canonical text is not JCS of the entry`);
    const root = rootFromInclusionProof(e.leafIndex, c.treeSize, leafHashOf(canonicalize(e.entry)!), e.auditPath.map(hex));
    if (!root?.equals(hex(c.rootHash))) problems.push(`${e.eventId}: not in the tree of the checkpoint`);
  }
  return problems;
}
