import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate, CandidateSource, FeedRequest } from '../pipeline.ts';

const NEIGHBOURS = 100;
const MAX_AGE_MS = 30_000;
/** Reuse a person's neighbours while their taste has turned by less than about 8 degrees. */
const SAME_DIRECTION = 0.99;
const MAX_CACHED_PEOPLE = 20_000;

interface Neighbours {
  direction: Float32Array;
  at: number;
  list: { id: string; similarity: number }[];
}

/**
 * Videos whose content embedding is closest to the person's interest vector. The exact search scans the
 * whole catalog, so each person's neighbours are kept and reused across pages until their taste moves.
 */
export class SimilarContentSource implements CandidateSource {
  readonly name = 'similar';
  private readonly cache = new Map<string, Neighbours>();

  constructor(private readonly catalog: Catalog) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const direction = request.state?.interest.direction();
    if (direction === undefined) return [];
    const out: Candidate[] = [];
    for (const { id, similarity } of this.neighbours(request.user.id, direction, request.now)) {
      if (out.length >= limit || similarity <= 0) break;
      const video = this.catalog.get(id);
      if (video === undefined || !accept(video)) continue;
      out.push({ video, source: this.name, score: 0, reasons: [`close to what you enjoyed (similarity ${similarity.toFixed(2)})`], signals: { similarity } });
    }
    return out;
  }

  forgetUser(userId: string): void {
    this.cache.delete(userId);
  }

  private neighbours(userId: string, direction: Float32Array, now: number): Neighbours['list'] {
    const cached = this.cache.get(userId);
    if (cached !== undefined && now - cached.at < MAX_AGE_MS && dot(cached.direction, direction) >= SAME_DIRECTION) return cached.list;
    const list = this.catalog.embeddings.nearest(direction, NEIGHBOURS);
    this.cache.delete(userId);
    if (this.cache.size >= MAX_CACHED_PEOPLE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, { direction, at: now, list });
    return list;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
