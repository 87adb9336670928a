// RFC 9162 section 2.1 proof verification, written once for the server (Node, synchronous hashing) and the
// console (the browser, WebCrypto's asynchronous hashing): each check is a walk that yields the pairs it
// needs hashed as nodes, `SHA-256(0x01 || left || right)`, and returns its verdict; a runner does the hashing.

const HASH_BYTES = 32;
const OK = Object.freeze({ ok: true });
const fail = (reason) => ({ ok: false, reason });
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const badHash = (name, h) => (h.length === HASH_BYTES ? undefined : `${name} is ${h.length} bytes, not ${HASH_BYTES}`);
const malformedAmong = (named, proof) =>
  named.map(([name, h]) => badHash(name, h)).find(Boolean) ?? proof.map((p, i) => badHash(`proof[${i}]`, p)).find(Boolean);
const half = (n) => Math.floor(n / 2);

/** 2.1.3.2: does `proof` show that `leaf` is at `index` in the tree of `size` leaves with this root? */
export function* inclusionWalk(index, size, leaf, proof, root) {
  const malformed = malformedAmong(
    [
      ['leaf hash', leaf],
      ['root', root],
    ],
    proof,
  );
  if (malformed) return fail(malformed);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return fail(`leaf index ${index} is outside a tree of size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return fail('the proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = yield [p, r];
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = yield [r, p];
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) return fail('the proof is shorter than the path to the root');
  return equal(r, root) ? OK : fail('the computed root does not match');
}

/** 2.1.4.2: does `proof` show that the tree of `size1` leaves is a prefix of the tree of `size2`? */
export function* consistencyWalk(size1, size2, root1, root2, proof) {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < 0) return fail('sizes must be whole numbers');
  if (size1 > size2) return fail(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0) return fail('consistency with an empty tree is not proven by a proof');
  if (size1 === size2) {
    // As in transparency-dev/merkle: the same tree needs no proof, only the same root.
    if (proof.length > 0) return fail('equal sizes take an empty proof');
    return equal(root1, root2) ? OK : fail('equal sizes but different roots');
  }
  const malformed = malformedAmong(
    [
      ['root1', root1],
      ['root2', root2],
    ],
    proof,
  );
  if (malformed) return fail(malformed);
  if (proof.length === 0) return fail('the proof is empty');
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return fail('the proof is longer than needed');
    if (fn % 2 === 1 || fn === sn) {
      fr = yield [c, fr];
      sr = yield [c, sr];
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = yield [sr, c];
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) return fail('the proof is shorter than needed');
  if (!equal(fr, root1)) return fail('the proof does not lead to root1');
  if (!equal(sr, root2)) return fail('the proof does not lead to root2');
  return OK;
}

/** Runs a walk with a synchronous node hash. */
export function runWalk(walk, nodeHash) {
  let step = walk.next();
  while (!step.done) step = walk.next(nodeHash(...step.value));
  return step.value;
}

/** Runs a walk with an asynchronous node hash (WebCrypto). */
export async function runWalkAsync(walk, nodeHash) {
  let step = walk.next();
  while (!step.done) step = walk.next(await nodeHash(...step.value));
  return step.value;
}
