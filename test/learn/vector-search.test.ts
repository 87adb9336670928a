import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { seededRandom } from '../../src/core/random.ts';
import { DEFAULT_ONLINE_CONFIG } from '../../src/learn/online/config.ts';
import { FILTER_BUDGET, VideoVectors } from '../../src/learn/online/video-vectors.ts';
import { tempDir } from '../support/fixtures.ts';

const DIM = 32;

function randomVectors(count: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 40 }, () => Array.from({ length: DIM }, () => random() - 0.5));
  return Array.from({ length: count }, (_, i) => Float32Array.from(centres[i % 40]!, (x) => x + 0.4 * (random() - 0.5)));
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

test('HNSW (with the default settings) agrees with brute force on at least 90 % of the top 20', () => {
  const vectors = new VideoVectors(DIM, { ...DEFAULT_ONLINE_CONFIG.ann, seed: 1 });
  const items = randomVectors(10_000, 5);
  items.forEach((v, slot) => vectors.set(slot, v));
  let hits = 0;
  let total = 0;
  for (const q of randomVectors(50, 77)) {
    const query = unit(q);
    const exact = new Set(vectors.exact(query, 20).map((n) => n.slot));
    const approx = vectors.approximate(query, 20);
    assert.equal(approx.length, 20);
    hits += approx.filter((n) => exact.has(n.slot)).length;
    total += exact.size;
  }
  assert.ok(hits / total >= 0.9, `recall ${hits / total}`);
});

test('a filtered HNSW search finds the accepted part of the exact top k, whether the filter rejects few or most', () => {
  const vectors = new VideoVectors(DIM, { ...DEFAULT_ONLINE_CONFIG.ann, seed: 1 });
  randomVectors(10_000, 5).forEach((v, slot) => vectors.set(slot, v));
  const filters = { 'a tenth rejected': (slot: number) => slot % 10 !== 0, 'nine tenths rejected': (slot: number) => slot % 10 === 0 };
  for (const [what, accept] of Object.entries(filters)) {
    let hits = 0;
    let total = 0;
    for (const q of randomVectors(30, 78)) {
      const query = unit(q);
      const exact = new Set(vectors.exact(query, 20, accept).map((n) => n.slot));
      const approx = vectors.approximate(query, 20, accept);
      assert.equal(approx.length, 20, what);
      assert.ok(
        approx.every((n) => accept(n.slot)),
        `${what}: a rejected slot was returned`,
      );
      assert.ok(
        approx.every((n, i) => i === 0 || approx[i - 1]!.similarity >= n.similarity),
        `${what}: not best first`,
      );
      hits += approx.filter((n) => exact.has(n.slot)).length;
      total += exact.size;
    }
    assert.ok(hits / total >= 0.9, `${what}: recall ${hits / total}`);
  }
});

test('a filter that rejects nearly everything is asked a bounded number of times, and only what it accepts is returned', () => {
  const vectors = new VideoVectors(DIM, { ...DEFAULT_ONLINE_CONFIG.ann, seed: 1 });
  randomVectors(30_000, 6).forEach((v, slot) => vectors.set(slot, v));
  for (const q of randomVectors(5, 79)) {
    let asked = 0;
    const accept = (slot: number) => (asked++, slot % 1000 === 0);
    const found = vectors.approximate(unit(q), 20, accept);
    // Unbounded, a search for 20 of the 30 accepted slots visits most of the graph's 30,000 nodes.
    assert.ok(asked <= FILTER_BUDGET + 2 * DEFAULT_ONLINE_CONFIG.ann.efSearch, `the filter was asked ${asked} times`);
    assert.ok(
      found.every((n) => n.slot % 1000 === 0),
      'a rejected slot was returned',
    );
    assert.ok(found.length <= 20);
  }
});

test('brute force is exact, and both searches honour filters, cleared slots and updates after a sync', () => {
  const vectors = new VideoVectors(4, { m: 8, efConstruction: 50, efSearch: 32, seed: 1 });
  vectors.set(0, Float32Array.of(1, 0, 0, 0));
  vectors.set(1, Float32Array.of(0.9, 0.1, 0, 0));
  vectors.set(2, Float32Array.of(0, 1, 0, 0));
  vectors.set(3, Float32Array.of(0, 0, 0, 0));
  const query = Float32Array.of(1, 0, 0, 0);
  assert.deepEqual(
    vectors.exact(query, 3).map((n) => n.slot),
    [0, 1, 2],
    'a zero vector is never a neighbour',
  );
  assert.deepEqual(
    vectors.approximate(query, 3).map((n) => n.slot),
    [0, 1, 2],
  );
  assert.deepEqual(
    vectors.exact(query, 2, (s) => s !== 0).map((n) => n.slot),
    [1, 2],
  );
  assert.deepEqual(
    vectors.approximate(query, 2, (s) => s !== 0).map((n) => n.slot),
    [1, 2],
  );
  vectors.clear(0);
  assert.ok(!vectors.approximate(query, 3).some((n) => n.slot === 0), 'a cleared slot is hidden even before the next sync');
  vectors.set(2, Float32Array.of(1, 0, 0, 0));
  assert.equal(vectors.pending, 2);
  vectors.sync();
  assert.equal(vectors.pending, 0);
  assert.deepEqual(
    vectors.approximate(query, 1).map((n) => n.slot),
    [2],
  );
  vectors.set(0, Float32Array.of(1, 0.01, 0, 0));
  vectors.sync();
  assert.deepEqual(
    vectors
      .approximate(query, 3)
      .map((n) => n.slot)
      .sort(),
    [0, 1, 2],
    'a slot cleared then set again comes back',
  );
});

test('a saved graph loads with its deleted slots, and its first sync brings it to the current vectors', async () => {
  const path = join(tempDir(), 'graph.hnsw');
  const options = { m: 8, efConstruction: 50, efSearch: 64, seed: 1 };
  const items = randomVectors(300, 5);
  const saved = new VideoVectors(DIM, options);
  items.forEach((v, slot) => saved.set(slot, v));
  saved.sync();
  saved.clear(7);
  saved.sync();
  const deleted = await saved.saveGraph(path);
  assert.deepEqual(deleted, [7]);

  // The restored vectors, one of which turned since the graph was saved.
  const loaded = new VideoVectors(DIM, options);
  items.forEach((v, slot) => loaded.set(slot, slot === 11 ? items[200]! : v));
  loaded.clear(7);
  await loaded.loadGraph(path, deleted!);
  loaded.sync();
  assert.equal(loaded.pending, 0);
  const query = unit(items[200]!);
  const found = loaded.approximate(query, 5).map((n) => n.slot);
  assert.ok(found.includes(11), 'the vector that turned was not re-inserted');
  for (const q of [3, 7, 100]) {
    const near = loaded.approximate(unit(items[q]!), 10).map((n) => n.slot);
    assert.ok(!near.includes(7), 'a slot deleted before the save came back');
  }
  // Slots deleted before the save can be set again, and others deleted, without hnswlib refusing.
  loaded.set(7, items[7]!);
  loaded.clear(8);
  loaded.sync();
  assert.ok(loaded.approximate(unit(items[7]!), 3).some((n) => n.slot === 7));
});
