import { itemPopularity, itemsOf, type ImplicitInteractions } from '../../learn/batch/interactions.ts';
import { trainRandomWalk } from './random-walk.ts';
import type { UserItemScorer } from '../../learn/batch/scorer.ts';

export interface ImplicitRankerOptions {
  /** Popularity and transition exponents of the random walk (see RandomWalkOptions). */
  popularityExponent: number;
  transitionExponent: number;
  /** Weight of the walk's scores. Every term is scaled so that the person's best new video scores 1. */
  walkWeight: number;
  /** Weight of the item-item regression's scores; needs `itemRegression`. */
  regressionWeight: number;
  /** A trained item-item regression (EASE) over the same data, when regressionWeight > 0. */
  itemRegression?: UserItemScorer;
  /** Weight of the ideal low-pass graph filter's scores; needs `lowPass`. */
  lowPassWeight: number;
  /** A trained low-pass graph filter (GF-CF) over the same data, when lowPassWeight > 0. */
  lowPass?: UserItemScorer;
  /** Weight of the content neighbour graph's scores; needs `contentNeighbours`. */
  neighbourWeight: number;
  /** A trained content neighbour graph (image and audio fused) over the same items, when neighbourWeight > 0. */
  contentNeighbours?: UserItemScorer;
}

/** Tiny weight of the popularity prior: it only orders items the other terms leave tied (and people with no history). */
const POPULARITY_TIE_BREAK = 1e-6;

/**
 * The engine's batch ranker for implicit feedback: a weighted blend of a co-engagement random walk (RP3beta),
 * an item-item regression (EASE), an ideal low-pass filter of the co-engagement graph (GF-CF) and a frozen content
 * neighbour graph (so that videos with little or no engagement can still be ranked), each scaled so that the
 * person's best new video scores 1, plus a popularity tie-break. Which terms weigh what is chosen on validation
 * data for each catalog. Deterministic: no sampling.
 */
export function trainImplicitRanker(data: ImplicitInteractions, options: ImplicitRankerOptions): UserItemScorer {
  // The terms have no common scale, so each is divided by the person's best score among videos they have not
  // engaged with (a walk returns most of its mass to where it started).
  const terms: Array<{ weight: number; scorer: UserItemScorer }> = [];
  if (options.walkWeight > 0) terms.push({ weight: options.walkWeight, scorer: trainRandomWalk(data, options) });
  const trained = [
    ['regressionWeight', options.regressionWeight, options.itemRegression, 'a trained item regression'],
    ['lowPassWeight', options.lowPassWeight, options.lowPass, 'a trained low-pass filter'],
    ['neighbourWeight', options.neighbourWeight, options.contentNeighbours, 'a trained content neighbour graph'],
  ] as const;
  for (const [name, weight, scorer, what] of trained) {
    if (!(weight > 0)) continue;
    if (!scorer) throw new Error(`${name} > 0 needs ${what}`);
    terms.push({ weight, scorer });
  }
  const popularity = itemPopularity(data);
  const maxPopularity = Math.max(1, ...popularity);
  const term = new Float64Array(data.itemCount);
  const seen = new Uint8Array(data.itemCount);

  return {
    scoreUser(user, out) {
      const history = user < data.userCount ? itemsOf(data, user) : new Int32Array(0);
      for (const item of history) seen[item] = 1;
      for (let i = 0; i < out.length; i++) out[i] = (POPULARITY_TIE_BREAK * popularity[i]!) / maxPopularity;
      for (const { weight, scorer } of terms) {
        scorer.scoreUser(user, term);
        let max = 0;
        for (let i = 0; i < term.length; i++) if (term[i]! > max && !seen[i]) max = term[i]!;
        const scale = max > 0 ? weight / max : 0;
        // Items a term cannot rank (-Infinity) get nothing from it rather than dropping out of the list.
        for (let i = 0; i < out.length; i++) if (term[i]! > -Infinity) out[i]! += term[i]! * scale;
      }
      for (const item of history) seen[item] = 0;
    },
  };
}
