import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { consistencyPath, EMPTY_ROOT, inclusionPath, leafHash, verifyConsistency, verifyInclusion } from '../../src/trust/ledger/merkle.ts';

/** An independent, naive MTH straight from RFC 9162 2.1.1, to check the library against. */
function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1)
    return createHash('sha256')
      .update(Buffer.concat([Buffer.of(0), leaves[0]!]))
      .digest();
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return createHash('sha256')
    .update(Buffer.concat([Buffer.of(1), naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k))]))
    .digest();
}

const entries = Array.from({ length: 40 }, (_, i) => Buffer.from(`entry ${i}`));
const range = (start: number, end: number) => naiveRoot(entries.slice(start, end));
const flip = (h: Uint8Array) => {
  const c = Buffer.from(h);
  c[0]! ^= 1;
  return c;
};

test('the empty tree hashes to SHA-256 of nothing', () => {
  assert.equal(EMPTY_ROOT.toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('inclusion proofs verify for every leaf of every size, and fail when anything is changed', () => {
  for (let size = 1; size <= entries.length; size++) {
    const root = naiveRoot(entries.slice(0, size));
    for (let index = 0; index < size; index++) {
      const proof = inclusionPath(index, 0, size, range);
      const leaf = leafHash(entries[index]!);
      assert.deepEqual(verifyInclusion(index, size, leaf, proof, root), { ok: true }, `size ${size} index ${index}`);
      assert.equal(verifyInclusion(index, size, flip(leaf), proof, root).ok, false);
      assert.equal(verifyInclusion(index, size, leaf, [...proof, leaf], root).ok, false);
      if (proof.length > 0) {
        assert.equal(verifyInclusion(index, size, leaf, proof.slice(1), root).ok, false);
        assert.equal(verifyInclusion(index, size, leaf, [flip(proof[0]!), ...proof.slice(1)], root).ok, false);
      }
    }
  }
  assert.match((verifyInclusion(0, 1, Buffer.alloc(31), [], Buffer.alloc(32)) as { reason: string }).reason, /31 bytes/);
  assert.equal(verifyInclusion(5, 5, leafHash(entries[0]!), [], naiveRoot(entries.slice(0, 5))).ok, false);
});

test('consistency proofs verify for every pair of sizes, and fail when anything is changed', () => {
  for (let size2 = 1; size2 <= 24; size2++) {
    const root2 = naiveRoot(entries.slice(0, size2));
    for (let size1 = 1; size1 <= size2; size1++) {
      const root1 = naiveRoot(entries.slice(0, size1));
      const proof = consistencyPath(size1, size2, range);
      assert.deepEqual(verifyConsistency(size1, size2, root1, root2, proof), { ok: true }, `${size1} -> ${size2}`);
      if (size1 < size2) {
        assert.equal(verifyConsistency(size1, size2, flip(root1), root2, proof).ok, false);
        assert.equal(verifyConsistency(size1, size2, root1, flip(root2), proof).ok, false);
        assert.equal(verifyConsistency(size1, size2, root1, root2, proof.slice(0, -1)).ok, false);
        assert.equal(verifyConsistency(size1, size2, root1, root2, [...proof, root1]).ok, false);
      }
    }
  }
  assert.equal(verifyConsistency(0, 3, EMPTY_ROOT, naiveRoot(entries.slice(0, 3)), []).ok, false);
});

/** The reference vectors of transparency-dev/merkle, kept beside the project (not in it). */
const VECTORS = join(import.meta.dirname, '../../../shared/data/merkle');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

test('every transparency-dev/merkle test vector gives the expected verdict', {
  skip: !existsSync(VECTORS) && 'the shared test vectors are not beside the project',
}, () => {
  const b64 = (s: string | null) => Buffer.from(s ?? '', 'base64');
  const files = jsonFiles(VECTORS);
  assert.ok(files.length >= 190, `only ${files.length} vectors found`);
  for (const file of files) {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    const proof = (v.proof ?? []).map(b64);
    const verdict =
      'leafIdx' in v
        ? verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proof, b64(v.root))
        : verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proof);
    assert.equal(verdict.ok, !v.wantErr, `${file}: ${v.desc} gave ${JSON.stringify(verdict)}`);
  }
});
