/**
 * RFC 9162 section 2.1 Merkle tree hashing, proof construction and proof verification.
 * Leaf hash = SHA-256(0x00 || entry); node hash = SHA-256(0x01 || left || right); the empty tree's hash = SHA-256("").
 */
import { createHash } from 'node:crypto';
// The verifiers are shared with the web console, which runs the same file in the browser.
import { consistencyWalk, inclusionWalk, runWalk, type Verdict } from '../../console/merkle-proofs.js';

export type { Verdict };

export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

export const EMPTY_ROOT = createHash('sha256').digest();

/** The largest power of two strictly below n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Hash of the leaves [start, end): given by `subtree`, which must answer for any range. */
export type RangeHash = (start: number, end: number) => Uint8Array;

/** PATH(m, D[start:end]) of RFC 9162 2.1.3.1: the audit path of leaf m, innermost sibling first. */
export function inclusionPath(m: number, start: number, end: number, hash: RangeHash): Uint8Array[] {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k ? [...inclusionPath(m, start, start + k, hash), hash(start + k, end)] : [...inclusionPath(m - k, start + k, end, hash), hash(start, start + k)];
}

/** PROOF(m, D[0:n]) of RFC 9162 2.1.4.1, through SUBPROOF. */
export function consistencyPath(m: number, n: number, hash: RangeHash): Uint8Array[] {
  const sub = (m: number, start: number, end: number, whole: boolean): Uint8Array[] => {
    const size = end - start;
    if (m === size) return whole ? [] : [hash(start, end)];
    const k = splitPoint(size);
    return m <= k ? [...sub(m, start, start + k, whole), hash(start + k, end)] : [...sub(m - k, start + k, end, false), hash(start, start + k)];
  };
  return sub(m, 0, n, true);
}

/** RFC 9162 2.1.3.2: does `proof` show that `leaf` is at `index` in the tree of `size` leaves with this root? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): Verdict {
  return runWalk(inclusionWalk(index, size, leaf, proof, root), nodeHash);
}

/** RFC 9162 2.1.4.2: does `proof` show that the tree of `size1` leaves is a prefix of the tree of `size2`? */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: Uint8Array[]): Verdict {
  return runWalk(consistencyWalk(size1, size2, root1, root2, proof), nodeHash);
}
