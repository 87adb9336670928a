import { seededRandom } from '../core/random.ts';
import { itemPopularity, type ImplicitInteractions } from '../learn/batch/interactions.ts';
import type { UserItemScorer } from '../learn/batch/scorer.ts';

/** Reference rankers every protocol reports next to the engine, scored by the same metric code. */

/** A fresh random order for every person (seeded, so reruns agree). */
export function randomScorer(seed: number): UserItemScorer {
  const random = seededRandom(seed);
  return {
    scoreUser(_user, out) {
      for (let i = 0; i < out.length; i++) out[i] = random();
    },
  };
}

/** The same list for everyone: items by how many people engaged with them in training. */
export function popularityScorer(data: ImplicitInteractions): UserItemScorer {
  const popularity = itemPopularity(data);
  return {
    scoreUser(_user, out) {
      out.set(popularity);
    },
  };
}
