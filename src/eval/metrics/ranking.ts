/**
 * Accuracy of one ranked list against one person's held-out items. `ranked` is best first; `relevant` maps each
 * held-out item to its gain (1 for implicit feedback). A person with nothing held out scores 0 on every metric;
 * the protocols leave such people out of the averages.
 */
export type Relevance = ReadonlyMap<number, number>;

/** Held-out items found in the top k, divided by the number of held-out items. */
export function recallAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  return relevant.size === 0 ? 0 : hitsAtK(ranked, relevant, k) / relevant.size;
}

/** 1 when at least one held-out item is in the top k, else 0. */
export function hitRateAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

/** DCG of the top k (gain / log2(rank + 1)) over the best DCG possible with min(|held-out|, k) items. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) dcg += (relevant.get(ranked[r]!) ?? 0) / Math.log2(r + 2);
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  const idealDcg = ideal.reduce((sum, gain, r) => sum + gain / Math.log2(r + 2), 0);
  return idealDcg > 0 ? dcg / idealDcg : 0;
}

/** 1 / rank of the best-placed held-out item, from 1-based ranks (0 when none is ranked). */
export function reciprocalRankFromRanks(ranksOfRelevant: number[]): number {
  return ranksOfRelevant.length === 0 ? 0 : 1 / Math.min(...ranksOfRelevant);
}

function hitsAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  let hits = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (relevant.has(ranked[r]!)) hits++;
  return hits;
}
