import type { Selector } from './selector.ts';

/**
 * The top candidate: the remaining one with the best marginal relevance (the best score when the selection has no
 * diversity), leaving out the candidates of `leaveOut` sources, which another selector places.
 */
export function bestScored(leaveOut: readonly string[] = []): Selector {
  return {
    name: 'best-scored',
    forPage(_request, candidates, page) {
      const pool = new Set(candidates.filter((c) => !leaveOut.includes(c.source)));
      return { pick: () => page.best(pool) };
    },
  };
}
