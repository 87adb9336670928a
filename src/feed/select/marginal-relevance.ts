import type { Video } from '../../core/types.ts';
import type { EmbeddingIndex } from '../embedding-index.ts';
import type { Candidate } from '../pipeline.ts';

export interface Diversity {
  /** How much a candidate's similarity to what is already on the page costs it, against its score (0 = none). */
  weight: number;
  embeddings: EmbeddingIndex;
}

/**
 * Maximal marginal relevance over one page's candidates: (1 − diversity) × a candidate's score scaled to [0, 1]
 * among the candidates − diversity × its highest similarity to a video already on the page, where similarity is
 * the larger of the content embeddings' cosine and the hashtags' overlap (Jaccard). Without diversity, score order.
 */
export class MarginalRelevance {
  private readonly relevance: Map<Candidate, number>;
  /** Each candidate not yet placed, with its highest similarity to the page so far (updated as videos are placed). */
  private readonly closest: Map<Candidate, number>;
  private readonly vectors = new Map<Candidate, Float32Array | undefined>();
  private readonly weight: number;

  constructor(candidates: readonly Candidate[], diversity: Diversity | undefined) {
    let low = Infinity;
    let high = -Infinity;
    for (const c of candidates) [low, high] = [Math.min(low, c.score), Math.max(high, c.score)];
    this.relevance = new Map(candidates.map((c) => [c, high > low ? (c.score - low) / (high - low) : 1]));
    this.closest = new Map(candidates.map((c) => [c, 0]));
    this.weight = diversity?.weight ?? 0;
    if (diversity !== undefined && this.weight !== 0) for (const c of candidates) this.vectors.set(c, diversity.embeddings.vectorOf(c.video.id));
  }

  /** The candidates not placed yet, in their order, each with its highest similarity to the page. */
  get remaining(): ReadonlyMap<Candidate, number> {
    return this.closest;
  }

  value(c: Candidate, similarity: number): number {
    return (1 - this.weight) * this.relevance.get(c)! - this.weight * similarity;
  }

  placed(c: Candidate): void {
    this.closest.delete(c);
    if (this.weight === 0) return;
    const v = this.vectors.get(c);
    for (const [other, sim] of this.closest) this.closest.set(other, Math.max(sim, similarity(c.video, v, other.video, this.vectors.get(other))));
  }
}

/** The larger of the content embeddings' cosine (unit vectors) and the hashtags' overlap. */
function similarity(a: Video, va: Float32Array | undefined, b: Video, vb: Float32Array | undefined): number {
  let cosine = 0;
  if (va !== undefined && vb !== undefined) for (let i = 0; i < va.length; i++) cosine += va[i]! * vb[i]!;
  return Math.max(cosine, jaccard(a.hashtags, b.hashtags));
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (const tag of a) if (b.includes(tag)) shared++;
  return shared / (a.length + b.length - shared);
}
