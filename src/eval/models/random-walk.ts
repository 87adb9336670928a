import { itemPopularity, itemsOf, usersOf, type ImplicitInteractions } from '../../learn/batch/interactions.ts';
import type { UserItemScorer } from '../../learn/batch/scorer.ts';

export interface RandomWalkOptions {
  /**
   * Final scores are multiplied by popularity^-exponent (RP3beta's β): positive values favour the long tail,
   * negative values favour what many people already engage with.
   */
  popularityExponent: number;
  /** Each step's transition probability 1/degree is raised to this power (RP3beta's α; 1 = a plain random walk). */
  transitionExponent: number;
}

/**
 * Three-step random walk user → item → user → item (P³α / RP3beta, Paudel et al. 2017): each step picks a
 * neighbour with probability (1/degree)^α, so items reached through small, focused audiences weigh more.
 */
export function trainRandomWalk(data: ImplicitInteractions, options: RandomWalkOptions): UserItemScorer {
  const popularity = itemPopularity(data);
  const itemFactor = Float64Array.from(popularity, (p) => (p > 0 ? p ** -options.popularityExponent : 0));
  const alpha = options.transitionExponent;
  const step = (degree: number) => degree ** -alpha;
  return {
    scoreUser(user, out) {
      out.fill(0);
      const start = itemsOf(data, user);
      if (start.length === 0) return;
      for (const item of start) {
        const audience = usersOf(data, item);
        const toUser = step(start.length * audience.length);
        for (const other of audience) {
          const next = itemsOf(data, other);
          const toItem = toUser * step(next.length);
          for (const reached of next) out[reached]! += toItem;
        }
      }
      for (let i = 0; i < out.length; i++) out[i]! *= itemFactor[i]!;
    },
  };
}
