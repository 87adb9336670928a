/**
 * RFC 9162 section 2.1 Merkle tree hashing, proof construction and proof verification.
 * Leaf hash = SHA-256(0x00 || entry); node hash = SHA-256(0x01 || left || right); the empty tree's hash = SHA-256("").
 */
import { createHash } from 'node:crypto';

export type Verdict = { ok: true } | { ok: false; reason: string };

const HASH_BYTES = 32;
const fail = (reason: string): Verdict => ({ ok: false, reason });

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
  return m < k
    ? [...inclusionPath(m, start, start + k, hash), hash(start + k, end)]
    : [...inclusionPath(m - k, start + k, end, hash), hash(start, start + k)];
}

/** PROOF(m, D[0:n]) of RFC 9162 2.1.4.1, through SUBPROOF. */
export function consistencyPath(m: number, n: number, hash: RangeHash): Uint8Array[] {
  const sub = (m: number, start: number, end: number, whole: boolean): Uint8Array[] => {
    const size = end - start;
    if (m === size) return whole ? [] : [hash(start, end)];
    const k = splitPoint(size);
    return m <= k
      ? [...sub(m, start, start + k, whole), hash(start + k, end)]
      : [...sub(m - k, start + k, end, false), hash(start, start + k)];
  };
  return sub(m, 0, n, true);
}

function badHash(name: string, h: Uint8Array): string | undefined {
  return h.length === HASH_BYTES ? undefined : `${name} is ${h.length} bytes, not ${HASH_BYTES}`;
}

/** RFC 9162 2.1.3.2: does `proof` show that `leaf` is at `index` in the tree of `size` leaves with this root? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): Verdict {
  const malformed = badHash('leaf hash', leaf) ?? badHash('root', root) ?? proof.map((p, i) => badHash(`proof[${i}]`, p)).find(Boolean);
  if (malformed) return fail(malformed);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return fail(`leaf index ${index} is outside a tree of size ${size}`);
  }
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return fail('the proof is longer than the path to the root');
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
  if (sn !== 0) return fail('the proof is shorter than the path to the root');
  return Buffer.from(r).equals(root) ? { ok: true } : fail('the computed root does not match');
}

/** RFC 9162 2.1.4.2: does `proof` show that the tree of `size1` leaves is a prefix of the tree of `size2`? */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: Uint8Array[]): Verdict {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < 0) return fail('sizes must be whole numbers');
  if (size1 > size2) return fail(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0) return fail('consistency with an empty tree is not proven by a proof');
  if (size1 === size2) {
    // As in transparency-dev/merkle: the same tree needs no proof, only the same root.
    if (proof.length > 0) return fail('equal sizes take an empty proof');
    return Buffer.from(root1).equals(root2) ? { ok: true } : fail('equal sizes but different roots');
  }
  const malformed = badHash('root1', root1) ?? badHash('root2', root2) ?? proof.map((p, i) => badHash(`proof[${i}]`, p)).find(Boolean);
  if (malformed) return fail(malformed);
  if (proof.length === 0) return fail('the proof is empty');
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return fail('the proof is longer than needed');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return fail('the proof is shorter than needed');
  if (!Buffer.from(fr).equals(root1)) return fail('the proof does not lead to root1');
  if (!Buffer.from(sr).equals(root2)) return fail('the proof does not lead to root2');
  return { ok: true };
}
