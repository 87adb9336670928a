import type { Selector } from './selector.ts';

export interface ExplorationSlotsOptions {
  /** Sources whose candidates are exploration's own draws, in the order they drew them. */
  sources: readonly string[];
  /** Share of the page's slots, spread evenly, that exploration has first choice of. */
  share: number;
  /** Whether a video is still looking for its audience (the exploration pool). */
  isExploring: (videoId: string) => boolean;
  /** Share of exploration's picks, drawn per pick, that take the sources' own draws in order. */
  uniformShare: number;
}

/**
 * New videos: a slot goes to the best-scoring candidate still in the exploration pool, from any source (a new video
 * shown first to the people it suits), or, for a drawn `uniformShare` of picks, to the exploration sources' own
 * draws. Owns its share of the slots; in the others it is asked only after the selectors listed before it.
 */
export function explorationSlots(options: ExplorationSlotsOptions): Selector {
  const sources = new Set(options.sources);
  return {
    name: 'exploration',
    forPage(request, candidates, page) {
      const draws = candidates.filter((c) => sources.has(c.source));
      const exploring = new Set(candidates.filter((c) => options.isExploring(c.video.id)));
      const drawn = () => draws.find((c) => page.remains(c) && page.allows(c));
      const suited = () => {
        const c = page.best(exploring);
        if (c !== undefined && !sources.has(c.source)) c.reasons.push('a new video finding its audience, shown first to people it suits');
        return c;
      };
      return {
        owns: (slot) => Math.floor((slot + 1) * options.share) > Math.floor(slot * options.share),
        pick: () => (request.random() < options.uniformShare ? drawn() : (suited() ?? drawn())),
      };
    },
  };
}
