import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeOrderedSet } from '../../src/core/time-ordered-set.ts';

const order = (set: TimeOrderedSet) => [...set.newestFirst()].map((e) => e.id);

test('newest first, ties by id; an id set again moves, a deleted one is gone', () => {
  const set = new TimeOrderedSet();
  set.set('b', 20);
  set.set('a', 20);
  set.set('c', 30);
  set.set('old', 5);
  assert.deepEqual(order(set), ['c', 'b', 'a', 'old']);
  set.set('old', 40);
  set.delete('c');
  set.delete('never-there');
  assert.deepEqual(order(set), ['old', 'b', 'a']);
  assert.deepEqual([set.size, set.has('c'), set.has('old')], [3, false, true]);
  set.set('c', 30);
  assert.deepEqual(order(set), ['old', 'c', 'b', 'a'], 'a deleted id set again is listed once');
});

test('a bulk load in any order reads back sorted, and stays so through moves and deletions', () => {
  const set = new TimeOrderedSet();
  const times = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
  for (const [i, at] of times.entries()) set.set(`v${i}`, at);
  for (let i = 0; i < 5000; i += 3) set.delete(`v${i}`);
  // Moved to the top: some of them deleted just before, so set anew.
  for (let i = 1; i < 5000; i += 50) set.set(`v${i}`, 10_000 + i);
  const read = [...set.newestFirst()];
  const expected = times
    .map((at, i) => ({ id: `v${i}`, at: i % 50 === 1 ? 10_000 + i : at }))
    .filter((_, i) => i % 3 !== 0 || i % 50 === 1)
    .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
  assert.deepEqual(read, expected);
  assert.equal(set.size, expected.length);
});
