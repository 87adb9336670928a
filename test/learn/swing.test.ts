import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Swing } from '../../src/learn/online/swing.ts';

const options = { alpha: 1, recentPositivesPerUser: 30, positivesPerUser: 100, recentUsersPerItem: 20, neighboursPerItem: 3 };

test('two people engaging with the same two items make them neighbours, symmetric', () => {
  const swing = new Swing(options);
  swing.addPositive('a', 1);
  swing.addPositive('a', 2);
  assert.equal(swing.neighbours(1), undefined, 'one person alone proves nothing');
  swing.addPositive('b', 1);
  swing.addPositive('b', 2);
  assert.ok(swing.neighbours(1)!.score(2) > 0);
  assert.equal(swing.neighbours(1)!.score(2), swing.neighbours(2)!.score(1));
});

test('a pair of people who share many items counts less per item pair than a pair who share few', () => {
  const narrow = new Swing(options);
  for (const u of ['a', 'b']) for (const item of [1, 2]) narrow.addPositive(u, item);
  const broad = new Swing(options);
  for (const u of ['a', 'b']) for (const item of [10, 11, 12, 13, 1, 2]) broad.addPositive(u, item);
  assert.ok(broad.neighbours(1)!.score(2) < narrow.neighbours(1)!.score(2));
});

test('neighbour lists keep the strongest neighboursPerItem', () => {
  const swing = new Swing(options);
  // Item 0 co-engaged with 1..8; item 8 by the most pairs.
  for (let item = 1; item <= 8; item++) {
    for (let p = 0; p < item; p++) {
      swing.addPositive(`x${item}-${p}`, 0);
      swing.addPositive(`x${item}-${p}`, item);
      swing.addPositive(`y${item}-${p}`, 0);
      swing.addPositive(`y${item}-${p}`, item);
    }
  }
  const list = swing.neighbours(0)!;
  assert.ok(list.size <= 2 * options.neighboursPerItem);
  for (const strong of [6, 7, 8]) assert.ok(list.score(strong) > 0, `${strong} kept`);
  assert.equal(list.score(1), 0, 'the weakest was dropped');
});

test('forgetUser removes the person from every engager window', () => {
  const swing = new Swing(options);
  swing.addPositive('a', 1);
  swing.addPositive('a', 2);
  swing.forgetUser('a');
  assert.deepEqual(swing.recentPositives('a'), []);
  swing.addPositive('b', 1);
  swing.addPositive('b', 2);
  assert.equal(swing.neighbours(1), undefined, 'b finds no one to pair with');
});

test('positives older than the window are kept for the item graph but no longer pair or score', () => {
  const swing = new Swing({ ...options, recentPositivesPerUser: 2, positivesPerUser: 4 });
  for (const item of [1, 2, 3, 4, 5]) swing.addPositive('a', item);
  assert.deepEqual(swing.keptPositives('a'), [2, 3, 4, 5], 'the oldest beyond positivesPerUser is dropped');
  assert.deepEqual(swing.recentPositives('a'), [4, 5]);
  swing.addPositive('b', 2);
  swing.addPositive('b', 5);
  assert.equal(swing.neighbours(5), undefined, "a's 2 is outside a's window: b's 2 and 5 pair with nothing of a's");
  swing.addPositive('b', 4);
  assert.ok(swing.neighbours(4)!.score(5) > 0, "a's 4 and 5 are within it");
});

test('a kept positive engaged with again moves back into the window', () => {
  const swing = new Swing({ ...options, recentPositivesPerUser: 2, positivesPerUser: 4 });
  for (const item of [1, 2, 3]) swing.addPositive('a', item);
  swing.addPositive('b', 7);
  swing.addPositive('b', 1);
  assert.equal(swing.neighbours(7), undefined, "1 has left a's window");
  swing.addPositive('a', 1);
  assert.deepEqual(swing.keptPositives('a'), [2, 3, 1]);
  assert.deepEqual(swing.recentPositives('a'), [3, 1]);
});
