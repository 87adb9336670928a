import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainContentNeighbours } from '../../src/learn/batch/content-neighbours.ts';
import { trainImplicitRanker } from '../../src/eval/models/implicit-ranker.ts';
import { implicitInteractions } from '../../src/learn/batch/interactions.ts';
import { trainLowPassFilter } from '../../src/learn/batch/low-pass-filter.ts';
import { symmetricEigen } from '../../src/learn/batch/symmetric-eigen.ts';
import { seededRandom } from '../../src/core/random.ts';

test('symmetric eigen-decomposition: A v = λ v for every pair, values in decreasing order, vectors orthonormal', () => {
  const n = 12;
  const random = seededRandom(3);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = random() - 0.5;
  const { values, vectors } = symmetricEigen(a, n);
  for (let c = 0; c < n; c++) {
    if (c > 0) assert.ok(values[c]! <= values[c - 1]!);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + c]!;
      assert.ok(Math.abs(av - values[c]! * vectors[i * n + c]!) < 1e-9, `column ${c}, row ${i}`);
    }
    for (let d = 0; d <= c; d++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[i * n + c]! * vectors[i * n + d]!;
      assert.ok(Math.abs(dot - (c === d ? 1 : 0)) < 1e-9);
    }
  }
});

/**
 * Two communities: people 0-19 engage with items 0-9, people 20-39 with items 10-19, each with the items
 * (p + k) mod 10 of their community for k = 0, 1, so two items are linked only through a chain of people.
 */
function twoCommunities() {
  const users: number[] = [];
  const items: number[] = [];
  for (let p = 0; p < 40; p++) {
    const base = p < 20 ? 0 : 10;
    for (const k of [0, 1]) {
      users.push(p);
      items.push(base + ((p + k) % 10));
    }
  }
  return implicitInteractions(users, items, 40, 20);
}

test('low-pass filter: reaches items several hops away within the community and leaves the other community at zero', () => {
  const data = twoCommunities();
  // The two smoothest directions are the two communities (singular value 1 each).
  const scores = new Float64Array(20);
  trainLowPassFilter(data, { rank: 2 }).scoreUser(0, scores);
  // Person 0 engaged with items 0 and 1; item 5 is four hops of co-engagement away.
  assert.ok(scores[5]! > 0.01, `item 5 scores ${scores[5]}`);
  for (let i = 10; i < 20; i++) assert.ok(Math.abs(scores[i]!) < 1e-9, `item ${i} scores ${scores[i]}`);
  // A wider filter keeps more detail: the person's own neighbourhood scores above the far side of the ring.
  trainLowPassFilter(data, { rank: 6 }).scoreUser(0, scores);
  assert.ok(scores[2]! > scores[5]!);
});

test('low-pass filter: asking for more directions than items still gives a basis, and an unknown person scores zero', () => {
  const data = twoCommunities();
  const scores = new Float64Array(20).fill(7);
  const filter = trainLowPassFilter(data, { rank: 50 });
  filter.scoreUser(99, scores);
  assert.ok(scores.every((s) => s === 0));
  filter.scoreUser(0, scores);
  // With every direction kept the filter passes the person's row through: their own items score highest.
  const best = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, 2);
  assert.deepEqual(best.sort(), [0, 1]);
});

test('content neighbours: an item nobody engaged with is reached through the items it resembles, and only those', () => {
  // Items 0-4 point one way, 5-9 the other (with small differences); item 4, which nobody engaged with, is
  // almost a copy of item 1.
  const dimension = 3;
  const values = new Float32Array(10 * dimension);
  for (let i = 0; i < 10; i++) {
    const group = i < 5 ? 1 : -1;
    values.set([group, group * 0.5 + 0.05 * i, 0.1 * (i % 3)], i * dimension);
  }
  values.set([1, 0.5 + 0.05 + 0.001, 0.1], 4 * dimension);
  const data = implicitInteractions([0, 0, 1], [0, 1, 6], 2, 10);
  const scorer = trainContentNeighbours(data, [{ dimension, values }], { neighbours: 3 });
  const scores = new Float64Array(10);
  scorer.scoreUser(0, scores);
  assert.ok(scores[4]! > 0, 'the near copy of item 1 is reached');
  for (let i = 5; i < 10; i++) assert.equal(scores[i], 0, `item ${i} is unlike anything person 0 engaged with`);
  // Each item links to at most 3 others, so two items reach at most 6.
  assert.ok(scores.filter((s) => s > 0).length <= 6);
  assert.throws(() => trainContentNeighbours(data, [{ dimension, values: values.subarray(0, 9) }], { neighbours: 3 }), /hold 3 rows, expected 10/);
});

test('implicit ranker: a weight on a term without its trained part is refused with the part named', () => {
  const data = twoCommunities();
  const options = { transitionExponent: 1, popularityExponent: 0, walkWeight: 1, regressionWeight: 0, lowPassWeight: 0, neighbourWeight: 0 };
  assert.throws(() => trainImplicitRanker(data, { ...options, lowPassWeight: 1 }), /lowPassWeight > 0 needs a trained low-pass filter/);
  assert.throws(() => trainImplicitRanker(data, { ...options, neighbourWeight: 1 }), /neighbourWeight > 0 needs a trained content neighbour graph/);
  // With the filter, the blend ranks the community's unseen items above the other community's.
  const ranker = trainImplicitRanker(data, { ...options, lowPassWeight: 1, lowPass: trainLowPassFilter(data, { rank: 2 }) });
  const scores = new Float64Array(20);
  ranker.scoreUser(0, scores);
  for (let i = 2; i < 10; i++) for (let j = 10; j < 20; j++) assert.ok(scores[i]! > scores[j]!, `${i} above ${j}`);
});
