import type { Video } from '../../core/types.ts';
import type { EmbeddingIndex } from '../embedding-index.ts';
import type { Candidate, FeedRequest, Reranker } from '../pipeline.ts';

export interface DiverseRerankerOptions {
  /** Sources whose candidates fill the exploration slots. */
  exploreSources: ReadonlySet<string>;
  /** Share of the page's slots, spread evenly, that go to exploration. */
  exploreShare: number;
  /**
   * Whether a video is still looking for its audience (the exploration pool). An exploration slot goes to the
   * best such candidate from any source (a new video shown first to the people it suits), except a
   * `uniformExploreShare` of them, drawn per slot, which take the exploration sources' own draws in order.
   */
  isExploring: (videoId: string) => boolean;
  uniformExploreShare: number;
  /** Source of the followed creators' videos, and how many of them are placed first when there are any. */
  followedSource: string;
  followedSlots: number;
  /** Maximal marginal relevance: weight of the similarity to what is already on the page, against the score. */
  diversity: number;
  /** Sensitive-topic dispersal: why a video may not come next after the page so far (undefined when it may). */
  dispersal?: { blocks(userId: string, now: number, page: readonly string[], videoId: string): string | undefined };
}

/**
 * Picks the page. Exploration slots (a fixed share, spread evenly) go to new videos: the best-scoring candidate
 * still in the exploration pool, or (a share of them, drawn) the exploration sources' own picks; the best
 * followed-creator video is placed first; every other slot goes to the candidate with the best maximal marginal
 * relevance: (1 − diversity) × its score (scaled to [0, 1] among the candidates) − diversity × its highest
 * similarity to a video already on the page, where similarity is the larger of the content embeddings' cosine
 * and the hashtags' overlap (Jaccard). Never two consecutive videos by the same creator or with the same sound, and
 * never a video the sensitive-topic dispersal holds back (with `explain`, the item placed instead says so).
 */
export class DiverseReranker implements Reranker {
  readonly name = 'diverse';

  constructor(
    private readonly embeddings: EmbeddingIndex,
    private readonly options: DiverseRerankerOptions,
  ) {}

  select(request: FeedRequest, candidates: Candidate[]): Candidate[] {
    const { exploreSources, exploreShare, followedSource, followedSlots, diversity, isExploring, uniformExploreShare, dispersal } = this.options;
    const explore = candidates.filter((c) => exploreSources.has(c.source));
    const exploit = candidates.filter((c) => !exploreSources.has(c.source));
    const followed = exploit.filter((c) => c.source === followedSource).sort((a, b) => b.score - a.score).slice(0, followedSlots);
    let low = Infinity;
    let high = -Infinity;
    for (const c of candidates) [low, high] = [Math.min(low, c.score), Math.max(high, c.score)];
    const relevance = new Map(candidates.map((c) => [c, high > low ? (c.score - low) / (high - low) : 1]));
    // Each remaining candidate's highest similarity to the page so far, updated as videos are placed.
    const closest = new Map<Candidate, number>(candidates.map((c) => [c, 0]));
    const exploiting = new Set(exploit);
    const exploring = new Set(candidates.filter((c) => isExploring(c.video.id)));
    const vectors = new Map<Candidate, Float32Array | undefined>(candidates.map((c) => [c, this.embeddings.vectorOf(c.video.id)]));
    const page: Candidate[] = [];
    const pageIds: string[] = [];
    const held = (c: Candidate) => dispersal?.blocks(request.user.id, request.now, pageIds, c.video.id);
    const place = (c: Candidate) => {
      page.push(c);
      pageIds.push(c.video.id);
      closest.delete(c);
      const at = explore.indexOf(c);
      if (at >= 0) explore.splice(at, 1);
      if (diversity === 0) return;
      const v = vectors.get(c);
      for (const [other, sim] of closest) closest.set(other, Math.max(sim, similarity(c.video, v, other.video, vectors.get(other))));
    };
    /** The remaining candidate of `pool` with the best maximal marginal relevance that may follow the previous video. */
    const bestOf = (pool: ReadonlySet<Candidate>, allowed: (c: Candidate) => boolean) => {
      let best: Candidate | undefined;
      let bestValue = -Infinity;
      let heldBack: { c: Candidate; why: string; value: number } | undefined;
      for (const [c, sim] of closest) {
        if (!pool.has(c) || !allowed(c)) continue;
        const value = (1 - diversity) * relevance.get(c)! - diversity * sim;
        if (value <= bestValue) continue;
        const why = held(c);
        if (why === undefined) [best, bestValue] = [c, value];
        else if (heldBack === undefined || value > heldBack.value) heldBack = { c, why, value };
      }
      if (request.explain && best !== undefined && heldBack !== undefined && heldBack.value > bestValue) {
        best.dispersal = `placed instead of ${heldBack.c.video.id}: ${heldBack.why}`;
      }
      return best;
    };
    for (let i = 0; i < request.n; i++) {
      const previous = page[page.length - 1];
      const mayFollow = (c: Candidate) => previous === undefined || !sameCreatorOrSound(c.video, previous.video);
      const allowed = (c: Candidate) => mayFollow(c) && held(c) === undefined;
      const exploreSlot = Math.floor((i + 1) * exploreShare) > Math.floor(i * exploreShare);
      const drawn = () => explore.find(allowed);
      const suited = () => {
        const c = bestOf(exploring, mayFollow);
        if (c !== undefined && !exploreSources.has(c.source)) c.reasons.push('a new video finding its audience, shown first to people it suits');
        return c;
      };
      const fromExplore = () => (request.random() < uniformExploreShare ? drawn() : (suited() ?? drawn()));
      const fromExploit = () => takeFirst(followed, allowed) ?? bestOf(exploiting, mayFollow);
      const pick = exploreSlot ? (fromExplore() ?? fromExploit()) : (fromExploit() ?? fromExplore());
      if (pick === undefined) break;
      place(pick);
      const at = followed.indexOf(pick);
      if (at >= 0) followed.splice(at, 1);
    }
    return page;
  }
}

/** The larger of the content embeddings' cosine (unit vectors) and the hashtags' overlap. */
function similarity(a: Video, va: Float32Array | undefined, b: Video, vb: Float32Array | undefined): number {
  let cosine = 0;
  if (va !== undefined && vb !== undefined) for (let i = 0; i < va.length; i++) cosine += va[i]! * vb[i]!;
  return Math.max(cosine, jaccard(a.hashtags, b.hashtags));
}

function takeFirst(queue: Candidate[], allowed: (c: Candidate) => boolean): Candidate | undefined {
  const at = queue.findIndex(allowed);
  return at < 0 ? undefined : queue.splice(at, 1)[0];
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (const tag of a) if (b.includes(tag)) shared++;
  return shared / (a.length + b.length - shared);
}

function sameCreatorOrSound(a: Video, b: Video): boolean {
  return a.creatorId === b.creatorId || (a.soundId !== '' && a.soundId === b.soundId);
}
