import type { Candidate, FeedRequest, Reranker } from '../pipeline.ts';

/**
 * Picks the page: a fixed share of slots, spread evenly, goes to exploration candidates (fresh videos),
 * the rest to the best-scored ones; never two consecutive videos by the same creator or with the same sound.
 */
export class SlottedDiverseReranker implements Reranker {
  readonly name = 'slotted-diverse';

  constructor(
    private readonly exploreSources: ReadonlySet<string>,
    private readonly exploreShare: number,
  ) {}

  select(request: FeedRequest, candidates: Candidate[]): Candidate[] {
    const explore = candidates.filter((c) => this.exploreSources.has(c.source));
    const exploit = candidates.filter((c) => !this.exploreSources.has(c.source)).sort((a, b) => b.score - a.score);
    const page: Candidate[] = [];
    for (let i = 0; i < request.n; i++) {
      const exploreSlot = Math.floor((i + 1) * this.exploreShare) > Math.floor(i * this.exploreShare);
      const [first, second] = exploreSlot ? [explore, exploit] : [exploit, explore];
      const previous = page[page.length - 1];
      const pick = takeFirst(first, previous) ?? takeFirst(second, previous);
      if (pick === undefined) break;
      page.push(pick);
    }
    return page;
  }
}

function takeFirst(queue: Candidate[], previous: Candidate | undefined): Candidate | undefined {
  const at = queue.findIndex((c) => previous === undefined || !sameCreatorOrSound(c, previous));
  return at < 0 ? undefined : queue.splice(at, 1)[0];
}

function sameCreatorOrSound(a: Candidate, b: Candidate): boolean {
  return a.video.creatorId === b.video.creatorId || (a.video.soundId !== '' && a.video.soundId === b.video.soundId);
}
