/** What a set of recommendation lists does to the catalog as a whole, beyond hitting held-out items. */

/** Share of the catalog that appears in at least one list. */
export function catalogCoverage(lists: ArrayLike<number>[], itemCount: number): number {
  if (itemCount === 0) return 0;
  const seen = new Set<number>();
  for (const list of lists) for (let r = 0; r < list.length; r++) seen.add(list[r]!);
  return seen.size / itemCount;
}

/**
 * Mean self-information -log2(p) of recommended items, p = share of people who engaged with the item in training
 * (an item nobody engaged with counts as one person, so the figure stays finite). Higher = less obvious picks.
 */
export function novelty(lists: ArrayLike<number>[], popularity: ArrayLike<number>, userCount: number): number {
  let sum = 0;
  let count = 0;
  for (const list of lists) {
    for (let r = 0; r < list.length; r++) {
      sum += -Math.log2(Math.max(popularity[list[r]!]!, 1) / userCount);
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/** Mean pairwise dissimilarity (1 - similarity) inside one list; 0 for lists shorter than two. */
export function intraListDiversity(list: ArrayLike<number>, similarity: (a: number, b: number) => number): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      sum += 1 - similarity(list[a]!, list[b]!);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

/**
 * Gini coefficient of how often each item (or creator) was recommended, over the whole catalog:
 * 0 = every item equally often, close to 1 = a few items take every slot.
 */
export function gini(counts: ArrayLike<number>): number {
  const sorted = Array.from(counts).sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) weighted += (i + 1) * sorted[i]!;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}
