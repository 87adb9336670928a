import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { whenPersonalized, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';

const NEIGHBOURS = 100;
/** Cached neighbours are reused while the person's recent favourites are unchanged, and at most this long (new uploads). */
const MAX_AGE_MS = 30_000;
const MAX_CACHED_PEOPLE = 20_000;

interface Neighbours {
  favourites: string;
  at: number;
  list: { id: string; similarity: number }[];
}

/**
 * Videos whose content embedding (as uploaded, not learned) is closest to the centre of the person's recent
 * favourites: finds look-alikes even before anyone has watched them. Exact search below 20k videos, an HNSW
 * graph above; each person's neighbours are cached until their favourites change.
 */
export class ContentSimilarSource implements CandidateSource {
  readonly name = 'content-similar';
  readonly enabled = whenPersonalized;
  private readonly cache = new Map<string, Neighbours>();

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const out: Candidate[] = [];
    for (const { id, similarity } of this.neighbours(request.user.id)) {
      if (out.length >= limit || similarity <= 0) break;
      const video = this.catalog.get(id);
      if (video === undefined || !accept(video)) continue;
      out.push({
        video,
        source: this.name,
        score: 0,
        reasons: [`looks like what you enjoyed lately (similarity ${similarity.toFixed(2)})`],
        signals: { contentSimilarity: similarity },
      });
    }
    return out;
  }

  forgetUser(userId: string): void {
    this.cache.delete(userId);
  }

  private neighbours(userId: string): Neighbours['list'] {
    const positives = this.models.learners.recentPositives(userId);
    const favourites = positives.join('\u0000');
    const now = performance.now();
    const cached = this.cache.get(userId);
    if (cached !== undefined && cached.favourites === favourites && now - cached.at < MAX_AGE_MS) return cached.list;
    const centre = this.centre(positives);
    const list = centre === undefined ? [] : this.catalog.embeddings.nearest(centre, NEIGHBOURS);
    this.cache.delete(userId);
    if (this.cache.size >= MAX_CACHED_PEOPLE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, { favourites, at: now, list });
    return list;
  }

  /** The unit-length mean of the favourites' content embeddings, or undefined when none has one. */
  private centre(videoIds: readonly string[]): Float32Array | undefined {
    const dim = this.catalog.embeddings.dim;
    const sum = new Float32Array(dim);
    for (const id of videoIds) {
      const vector = this.catalog.embeddings.vectorOf(id);
      if (vector !== undefined) for (let i = 0; i < dim; i++) sum[i] = sum[i]! + vector[i]!;
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += sum[i]! * sum[i]!;
    if (norm === 0) return undefined;
    norm = Math.sqrt(norm);
    for (let i = 0; i < dim; i++) sum[i] = sum[i]! / norm;
    return sum;
  }
}
