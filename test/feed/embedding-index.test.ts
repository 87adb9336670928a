import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { seededRandom } from '../../src/core/random.ts';
import { EmbeddingIndex } from '../../src/feed/embedding-index.ts';
import { tempDir } from '../support/fixtures.ts';

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
  assert.deepEqual(
    found.map((f) => f.id),
    ['x', 'xy'],
  );
  assert.ok(Math.abs(found[0]!.similarity - 1 / Math.hypot(1, 0.2)) < 1e-5);
  index.delete('x');
  assert.deepEqual(
    index.nearest(unit([1, 0.2, 0]), 1).map((f) => f.id),
    ['xy'],
  );
  assert.equal(index.vectorOf('x'), undefined);
  assert.deepEqual(Array.from(index.vectorOf('z')!), [0, 0, 1]);
});

/** Equal to float32 precision (the index rounds embeddings to float32, as the store keeps them, before normalizing). */
function assertClose(actual: Float32Array, expected: Float32Array): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-6, `[${i}]: ${x} against ${expected[i]}`));
}

/** Recall of the exact top k over a few of `vectors` as queries. */
function recallOf(index: EmbeddingIndex, vectors: number[][], k: number): number {
  let sum = 0;
  const queries = 30;
  for (let q = 0; q < queries; q++) {
    const query = unit(vectors[(q * 997) % vectors.length]!);
    const approx = new Set(index.nearest(query, k).map((f) => f.id));
    sum += index.nearestExact(query, k).filter((f) => approx.has(f.id)).length / k;
  }
  return sum / queries;
}

test('on a large catalog the graph finds at least 95% of the exact top 50, also after removals, additions and changes', () => {
  const vectors = clustered(8_000, 5);
  const index = new EmbeddingIndex(DIM, 2_000);
  vectors.forEach((v, i) => index.put(`v${i}`, v));
  assert.equal(index.hasGraph, false);
  const recall = recallOf(index, vectors, 50);
  assert.equal(index.hasGraph, true, 'the search did not build the graph');
  assert.ok(recall >= 0.95, `recall ${recall}`);
  for (const i of [0, 1, 4_999, 7_999]) assert.equal(index.nearest(unit(vectors[i]!), 1)[0]!.id, `v${i}`);
  // Removed rows are marked deleted in the graph and given to the next new videos.
  for (let i = 0; i < 500; i++) index.delete(`v${i * 7}`);
  assert.ok(
    index.nearest(unit(vectors[7]!), 50).every((f) => f.id !== 'v7'),
    'a removed video was found',
  );
  assert.equal(index.vectorOf('v7'), undefined);
  const added = clustered(1000, 6);
  added.forEach((v, i) => index.put(`new${i}`, v));
  assert.equal(index.size, 8_500);
  for (const i of [0, 499, 999]) {
    assert.equal(index.nearest(unit(added[i]!), 1)[0]!.id, `new${i}`);
    assertClose(index.vectorOf(`new${i}`)!, unit(added[i]!));
  }
  assert.ok(recallOf(index, vectors, 50) >= 0.95, 'recall after removals and additions');
  // A video whose embedding changes is found by its new one only; putting the same embedding again changes nothing.
  const moved = vectors[1_234]!.map((x) => -x);
  index.put('v1', moved);
  index.put('v2', vectors[2]!);
  assert.equal(index.size, 8_500);
  assertClose(index.vectorOf('v1')!, unit(moved));
  assert.equal(index.nearest(unit(moved), 1)[0]!.id, 'v1');
  assert.ok(
    index.nearest(unit(vectors[1]!), 50).every((f) => f.id !== 'v1'),
    'a changed video was found by its old embedding',
  );
  assert.equal(index.nearest(unit(vectors[2]!), 1)[0]!.id, 'v2');
  // The exact search never returns a freed row.
  assert.equal(index.nearestExact(unit(vectors[3]!), 10_000).length, 8_500);
});

test('removing videos from a catalog with a graph down to a small one keeps every answer exact', () => {
  const vectors = clustered(3_000, 8);
  const index = new EmbeddingIndex(DIM, 2_000);
  vectors.forEach((v, i) => index.put(`v${i}`, v));
  index.prepare();
  assert.equal(index.hasGraph, true);
  for (let i = 0; i < 1_500; i++) index.delete(`v${i}`);
  assert.equal(index.size, 1_500);
  const query = unit(vectors[2_000]!);
  assert.deepEqual(index.nearest(query, 20), index.nearestExact(query, 20));
  assert.ok(
    index.nearestExact(query, 3_000).every((f) => Number(f.id.slice(1)) >= 1_500),
    'a removed video was found',
  );
  assert.equal(index.nearestExact(query, 3_000).length, 1_500);
});

test('a graph written to a file is read back in place of a build, and brought up to date with the catalog', () => {
  const vectors = clustered(5_000, 9);
  const original = new EmbeddingIndex(DIM, 2_000);
  vectors.forEach((v, i) => original.put(`v${i}`, v));
  original.delete('v10'); // before the graph: the last video takes its row
  original.prepare();
  original.delete('v11'); // with the graph: a freed row in the saved file
  const path = join(tempDir(), 'content.hnsw');
  const saved = original.saveGraph(path)!;
  assert.equal(saved.ids[10], 'v4999');
  assert.equal(saved.ids[11], null);
  assert.equal(saved.ids.length, saved.hashes.length);

  // The same catalog, put in another order: every answer is the original's.
  const same = new EmbeddingIndex(DIM, 2_000);
  for (let i = vectors.length - 1; i >= 0; i--) if (i !== 10 && i !== 11) same.put(`v${i}`, vectors[i]!);
  assert.equal(same.loadGraph(path, saved), true);
  assert.equal(same.hasGraph, true);
  for (const q of [0, 1_000, 4_321]) assert.deepEqual(same.nearest(unit(vectors[q]!), 20), original.nearest(unit(vectors[q]!), 20));

  // A catalog that changed since the graph was saved: removed, changed and new videos.
  const changed = new EmbeddingIndex(DIM, 2_000);
  vectors.forEach((v, i) => i % 10 !== 3 && changed.put(`v${i}`, v));
  const moved = vectors[4_000]!.map((x) => -x);
  changed.put('v5', moved);
  changed.put('v11', vectors[11]!); // back, where the file has a free row
  const added = clustered(300, 10);
  added.forEach((v, i) => changed.put(`new${i}`, v));
  assert.equal(changed.loadGraph(path, saved), true);
  assert.equal(changed.size, 4_500 + 300);
  assert.ok(
    changed.nearest(unit(vectors[3]!), 50).every((f) => !f.id.endsWith('3') || f.id.startsWith('new')),
    'a video removed since the save was found',
  );
  assert.equal(changed.nearest(unit(moved), 1)[0]!.id, 'v5');
  assert.ok(
    changed.nearest(unit(vectors[5]!), 50).every((f) => f.id !== 'v5'),
    'a changed video was found by its saved embedding',
  );
  assert.equal(changed.nearest(unit(vectors[11]!), 1)[0]!.id, 'v11');
  assert.equal(changed.nearest(unit(added[7]!), 1)[0]!.id, 'new7');
  assertClose(changed.vectorOf('v4')!, unit(vectors[4]!));
  assert.ok(recallOf(changed, vectors, 50) >= 0.95, 'recall after loading into a changed catalog');
  // It goes on changing in place after the load.
  changed.delete('v4');
  changed.put('later', vectors[4]!);
  assert.equal(changed.nearest(unit(vectors[4]!), 1)[0]!.id, 'later');

  assert.throws(() => changed.loadGraph(path, saved), /already has a graph/);
  // A catalog most of whose videos changed since the save: the graph is built afresh instead.
  const mostlyNew = new EmbeddingIndex(DIM, 2_000);
  vectors.forEach((v, i) => mostlyNew.put(`v${i}`, i % 3 === 0 ? v : v.map((x) => -x)));
  assert.equal(mostlyNew.loadGraph(path, saved), false);
  assert.equal(mostlyNew.hasGraph, false);
  assert.equal(mostlyNew.nearest(unit(vectors[3]!), 1)[0]!.id, 'v3');
  assert.equal(mostlyNew.nearest(unit(vectors[4]!.map((x) => -x)), 1)[0]!.id, 'v4');
  assert.throws(() => new EmbeddingIndex(DIM, 2_000).loadGraph(join(tempDir(), 'missing.hnsw'), saved));
});
