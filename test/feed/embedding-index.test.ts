import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/core/random.ts';
import { EmbeddingIndex } from '../../src/feed/embedding-index.ts';

const DIM = 16;

function clustered(count: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 40 }, () => Array.from({ length: DIM }, () => random() - 0.5));
  return Array.from({ length: count }, (_, i) => centres[i % 40]!.map((x) => x + 0.15 * (random() - 0.5)));
}

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v.map((x) => x / n));
};

test('exact search returns the true nearest neighbours, best first', () => {
  const index = new EmbeddingIndex(3);
  index.put('x', [1, 0, 0]);
  index.put('y', [0, 1, 0]);
  index.put('xy', [1, 1, 0]);
  index.put('z', [0, 0, 5]);
  const found = index.nearest(unit([1, 0.2, 0]), 2);
  assert.deepEqual(found.map((f) => f.id), ['x', 'xy']);
  assert.ok(Math.abs(found[0]!.similarity - 1 / Math.hypot(1, 0.2)) < 1e-5);
  index.delete('x');
  assert.deepEqual(index.nearest(unit([1, 0.2, 0]), 1).map((f) => f.id), ['xy']);
  assert.equal(index.vectorOf('x'), undefined);
  assert.deepEqual(Array.from(index.vectorOf('z')!), [0, 0, 1]);
});

test('on a large catalog the clustered search finds at least 90% of the exact top 50, also after removals and additions', () => {
  const vectors = clustered(30_000, 5);
  const index = new EmbeddingIndex(DIM);
  vectors.forEach((v, i) => index.put(`v${i}`, v));
  const recall = () => {
    let sum = 0;
    for (let q = 0; q < 30; q++) {
      const query = unit(vectors[q * 997]!);
      const approx = new Set(index.nearest(query, 50).map((f) => f.id));
      sum += index.nearestExact(query, 50).filter((f) => approx.has(f.id)).length / 50;
    }
    return sum / 30;
  };
  assert.ok(recall() >= 0.9, `recall ${recall()}`);
  // Building the clusters reorders the rows: every video still has its own vector, and is found by it.
  for (const i of [0, 1, 4_999, 17_321, 29_999]) {
    assert.deepEqual(Array.from(index.vectorOf(`v${i}`)!), Array.from(unit(vectors[i]!)), `v${i}'s vector`);
    assert.equal(index.nearest(unit(vectors[i]!), 1)[0]!.id, `v${i}`);
  }
  for (let i = 0; i < 1000; i++) index.delete(`v${i * 7}`);
  clustered(2000, 6).forEach((v, i) => index.put(`new${i}`, v));
  assert.equal(index.size, 31_000);
  assert.ok(recall() >= 0.9, `recall after changes ${recall()}`);
  assert.ok(index.nearest(unit(vectors[7]!), 50).every((f) => f.id !== 'v7'), 'a removed video was found');
  // A video whose embedding changes is found by its new one only; putting the same embedding again changes nothing.
  const moved = vectors[12_345]!.map((x) => -x);
  index.put('v1', moved);
  index.put('v2', vectors[2]!);
  assert.equal(index.size, 31_000);
  assert.deepEqual(Array.from(index.vectorOf('v1')!), Array.from(unit(moved)));
  assert.equal(index.nearest(unit(moved), 1)[0]!.id, 'v1');
  assert.ok(index.nearest(unit(vectors[1]!), 50).every((f) => f.id !== 'v1'), 'a changed video was found by its old embedding');
  assert.equal(index.nearest(unit(vectors[2]!), 1)[0]!.id, 'v2');
  assert.ok(recall() >= 0.9, `recall after updates ${recall()}`);
});

test('removing videos from a clustered catalog down to a small one keeps every answer exact', () => {
  const vectors = clustered(21_000, 8);
  const index = new EmbeddingIndex(DIM);
  vectors.forEach((v, i) => index.put(`v${i}`, v));
  index.prepare();
  for (let i = 0; i < 5_000; i++) index.delete(`v${i}`);
  assert.equal(index.size, 16_000);
  const query = unit(vectors[20_000]!);
  assert.deepEqual(index.nearest(query, 20), index.nearestExact(query, 20));
  assert.ok(index.nearestExact(query, 16_000).every((f) => Number(f.id.slice(1)) >= 5_000), 'a removed video was found');
  assert.equal(index.nearestExact(query, 20_000).length, 16_000);
});
