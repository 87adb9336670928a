import type { Selector } from './selector.ts';

/** The best-scoring videos of followed creators (from `source`), up to `slots` of them, placed first when there are any. */
export function followedSlots(source: string, slots: number): Selector {
  return {
    name: 'followed',
    forPage(_request, candidates, page) {
      const queue = candidates
        .filter((c) => c.source === source)
        .sort((a, b) => b.score - a.score)
        .slice(0, slots);
      return { pick: () => queue.find((c) => page.remains(c) && page.allows(c)) };
    },
  };
}
