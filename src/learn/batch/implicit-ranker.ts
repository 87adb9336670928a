import { trainContentSimilarity, type ItemFeatures } from './content-similarity.ts';
import { itemPopularity, itemsOf, type ImplicitInteractions } from './interactions.ts';
import { trainRandomWalk } from './random-walk.ts';
import type { UserItemScorer } from './scorer.ts';

export interface ImplicitRankerOptions {
  /** Popularity and transition exponents of the random walk (see RandomWalkOptions). */
  popularityExponent: number;
  transitionExponent: number;
  /** Weight of the walk's scores (scaled so that the person's best new video scores 1, as the regression's are). */
  walkWeight: number;
  /** Weight of the item-item regression's scores; needs `itemRegression`. */
  regressionWeight: number;
  /** A trained item-item regression (EASE) over the same data, when regressionWeight > 0. */
  itemRegression?: UserItemScorer;
  /** Weight of content similarity (a cosine, used as it is); needs `features`. */
  contentWeight: number;
  /** Content vectors per item. */
  features?: ItemFeatures[];
}

/** Tiny weight of the popularity prior: it only orders items the other terms leave tied (and people with no history). */
const POPULARITY_TIE_BREAK = 1e-6;

/**
 * The engine's batch ranker for implicit feedback: a weighted blend of a co-engagement random walk (RP3beta),
 * an item-item regression (EASE), each scaled so that the person's best new video scores 1, and content similarity (so that videos
 * with little or no engagement can still be ranked), plus a popularity tie-break. Which terms weigh what is
 * chosen on validation data for each catalog. Deterministic: no sampling.
 */
export function trainImplicitRanker(data: ImplicitInteractions, options: ImplicitRankerOptions): UserItemScorer {
  // Walk and regression scores have no fixed scale, so each is divided by the person's best score among videos
  // they have not engaged with (a walk returns most of its mass to where it started); a cosine has a scale.
  const terms: Array<{ weight: number; scorer: UserItemScorer; scaleToBest: boolean }> = [];
  if (options.walkWeight > 0) terms.push({ weight: options.walkWeight, scorer: trainRandomWalk(data, options), scaleToBest: true });
  if (options.regressionWeight > 0) {
    if (!options.itemRegression) throw new Error('regressionWeight > 0 needs a trained item regression');
    terms.push({ weight: options.regressionWeight, scorer: options.itemRegression, scaleToBest: true });
  }
  if (options.contentWeight > 0) {
    if (!options.features?.length) throw new Error('contentWeight > 0 needs item content features');
    terms.push({ weight: options.contentWeight, scorer: trainContentSimilarity(data, options.features), scaleToBest: false });
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
      for (const { weight, scorer, scaleToBest } of terms) {
        scorer.scoreUser(user, term);
        let max = 0;
        if (scaleToBest) for (let i = 0; i < term.length; i++) if (term[i]! > max && !seen[i]) max = term[i]!;
        const scale = !scaleToBest ? weight : max > 0 ? weight / max : 0;
        // Items a term cannot rank (-Infinity) get nothing from it rather than dropping out of the list.
        for (let i = 0; i < out.length; i++) if (term[i]! > -Infinity) out[i]! += term[i]! * scale;
      }
      for (const item of history) seen[item] = 0;
    },
  };
}
