import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aucFromRanks, evaluateFullRanking, topItems } from '../../src/eval/full-ranking.ts';
import { areaUnderCurve } from '../../src/eval/metrics/auc.ts';
import { catalogCoverage, gini, intraListDiversity, novelty } from '../../src/eval/metrics/beyond-accuracy.ts';
import { hitRateAtK, ndcgAtK, recallAtK, reciprocalRankFromRanks } from '../../src/eval/metrics/ranking.ts';

const close = (actual: number, expected: number, tolerance = 1e-12) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);
const implicit = (...items: number[]) => new Map(items.map((i) => [i, 1]));

test('recall, hit rate and NDCG with several held-out items, by hand', () => {
  const ranked = [7, 3, 9, 1, 4];
  const relevant = implicit(3, 4, 8); // 3 at rank 2, 4 at rank 5, 8 not ranked
  assert.equal(recallAtK(ranked, relevant, 2), 1 / 3);
  assert.equal(recallAtK(ranked, relevant, 5), 2 / 3);
  assert.equal(hitRateAtK(ranked, relevant, 1), 0);
  assert.equal(hitRateAtK(ranked, relevant, 2), 1);
  // DCG@5 = 1/log2(3) + 1/log2(6); ideal with min(3, 5) = 3 hits = 1 + 1/log2(3) + 1/2.
  close(ndcgAtK(ranked, relevant, 5), (1 / Math.log2(3) + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 0.5));
  // At K = 2 the ideal holds min(3, 2) = 2 items.
  close(ndcgAtK(ranked, relevant, 2), 1 / Math.log2(3) / (1 + 1 / Math.log2(3)));
});

test('graded NDCG uses the gains, and the ideal sorts them', () => {
  const gains = new Map([
    [1, 5],
    [2, 1],
  ]);
  close(ndcgAtK([2, 1], gains, 2), (1 + 5 / Math.log2(3)) / (5 + 1 / Math.log2(3)));
  assert.equal(ndcgAtK([1, 2], gains, 2), 1);
});

test('empty lists and empty held-out sets score 0 rather than NaN', () => {
  assert.equal(recallAtK([], implicit(1), 10), 0);
  assert.equal(ndcgAtK([], implicit(1), 10), 0);
  assert.equal(hitRateAtK([], implicit(1), 10), 0);
  assert.equal(recallAtK([1, 2], new Map(), 10), 0);
  assert.equal(ndcgAtK([1, 2], new Map(), 10), 0);
  assert.equal(reciprocalRankFromRanks([]), 0);
  assert.equal(reciprocalRankFromRanks([4, 2, 9]), 0.5);
});

test('AUC counts ties as half and is NaN without both classes', () => {
  assert.equal(areaUnderCurve([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
  // Positive 0.5 ties one negative (half), beats the other; positive 0.9 beats both: (1.5 + 2) / 4.
  assert.equal(areaUnderCurve([0.5, 0.5, 0.2, 0.9], [true, false, false, true]), 0.875);
  assert.equal(areaUnderCurve([1, 1, 1, 1], [true, false, true, false]), 0.5);
  assert.ok(Number.isNaN(areaUnderCurve([1, 2], [true, true])));
  assert.ok(Number.isNaN(areaUnderCurve([], [])));
});

test('full-ranking AUC from ranks: held-out items against the other candidates', () => {
  // 5 candidates, held-out at ranks 1 and 4: negatives are the 3 others; rank 1 beats 3, rank 4 beats 1 of 3.
  close(aucFromRanks([4, 1], 5), (1 + 1 / 3) / 2);
  assert.equal(aucFromRanks([5], 5), 0);
  assert.equal(aucFromRanks([Infinity], 5), 0.5);
  assert.equal(aucFromRanks([1, 2], 2), 0.5);
});

test('coverage, novelty, diversity and Gini by hand', () => {
  assert.equal(
    catalogCoverage(
      [
        [0, 1],
        [1, 2],
      ],
      10,
    ),
    0.3,
  );
  assert.equal(catalogCoverage([], 0), 0);
  // popularity 4 of 8 people → 1 bit; 1 of 8 → 3 bits; an item nobody engaged with counts as 1 person.
  assert.equal(novelty([[0, 1], [2]], [4, 1, 0], 8), (1 + 3 + 3) / 3);
  const similarity = (a: number, b: number) => (a % 2 === b % 2 ? 1 : 0);
  assert.equal(intraListDiversity([0, 2, 1], similarity), 2 / 3);
  assert.equal(intraListDiversity([5], similarity), 0);
  assert.equal(gini([5, 5, 5, 5]), 0);
  close(gini([0, 0, 0, 8]), 0.75);
  assert.equal(gini([]), 0);
});

test('ties rank the lower item id first; excluded (NaN) items never appear', () => {
  const scores = Float64Array.from([1, 3, 3, NaN, 2, -Infinity]);
  assert.deepEqual([...topItems(scores, 10)], [1, 2, 4, 0, 5]);
  assert.deepEqual([...topItems(scores, 2)], [1, 2]);
});

test('the full-ranking evaluator leaves out training items and averages over people', () => {
  // Items 0..4; the scorer prefers low ids. Person 0 trained on item 0, holds out 1 and 4; person 1 holds out 0.
  const scorer = { scoreUser: (_u: number, out: Float64Array) => out.forEach((_, i) => (out[i] = -i)) };
  const users = [
    { user: 0, heldOut: implicit(1, 4), excluded: [0] },
    { user: 1, heldOut: implicit(0), excluded: [] },
  ];
  const { metrics, perUser } = evaluateFullRanking(scorer, users, { itemCount: 5, userCount: 2, popularity: [1, 1, 1, 1, 1], similarity: () => 0 });
  // Person 0's list: 1, 2, 3, 4 (item 0 excluded) → both held-out items within 10; person 1: item 0 first.
  assert.equal(metrics['recall@10'], 1);
  assert.equal(metrics['hit@10'], 1);
  assert.equal(metrics['mrr'], 1);
  // Person 0: held-out at ranks 1 and 4 of 4 candidates; item 1 beats both negatives, item 4 neither: 0.5.
  // Person 1: rank 1 of 5: 1. Mean 0.75.
  assert.equal(metrics['auc'], 0.75);
  close(perUser['ndcg@10'][0]!, (1 + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)));
  assert.equal(perUser['ndcg@10'][1], 1);
  assert.deepEqual([...perUser.bestRank], [1, 1]);
  assert.equal(metrics['coverage@20'], 1);
  assert.equal(metrics['diversity@20'], 1);
});
