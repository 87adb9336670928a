import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VectorSlab } from '../../src/learn/online/vector-slab.ts';

test('VectorSlab: each vector is zeroed, its own length, and shares no float with another', () => {
  const slab = new VectorSlab(10);
  const vectors = [3, 3, 3, 3, 12, 1].map((length) => slab.take(length));
  assert.deepEqual(
    vectors.map((v) => v.length),
    [3, 3, 3, 3, 12, 1],
  );
  vectors.forEach((v, i) => {
    assert.ok(v.every((x) => x === 0));
    v.fill(i + 1);
  });
  vectors.forEach((v, i) =>
    assert.ok(
      v.every((x) => x === i + 1),
      `vector ${i} was overwritten by another`,
    ),
  );
  assert.equal(vectors[0]!.buffer, vectors[2]!.buffer, 'vectors that fit share a chunk');
  assert.notEqual(vectors[3]!.buffer, vectors[2]!.buffer, 'a full chunk is replaced');
  assert.equal(vectors[4]!.buffer.byteLength, 12 * 4, 'a vector longer than a chunk gets one of its own size');
});
