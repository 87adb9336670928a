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
  /** Each candidate's score scaled to [0, 1] among the candidates, by index. */
  private readonly relevance: Float64Array;
  /** Each candidate's highest similarity to the first `compared[index]` videos placed, by index. */
  private readonly closest: Float64Array;
  private readonly compared: Int32Array;
  private readonly placedAt: Uint8Array;
  /** The indexes of the videos placed, in order. */
  private readonly placedOrder: number[] = [];
  private readonly indexOf: Map<Candidate, number>;
  private readonly vectors: (Float32Array | undefined)[] = [];
  private readonly weight: number;

  // Typed arrays by index rather than maps by candidate: a page's selection revisits every candidate once per slot,
  // and maps of doubles allocated a number and an entry array each time (a third of what a feed allocated).
  constructor(
    /** The candidates, in their order; `remains` tells which are not placed yet. */
    readonly candidates: readonly Candidate[],
    diversity: Diversity | undefined,
  ) {
    let low = Infinity;
    let high = -Infinity;
    for (const c of candidates) [low, high] = [Math.min(low, c.score), Math.max(high, c.score)];
    this.relevance = Float64Array.from(candidates, (c) => (high > low ? (c.score - low) / (high - low) : 1));
    this.closest = new Float64Array(candidates.length);
    this.compared = new Int32Array(candidates.length);
    this.placedAt = new Uint8Array(candidates.length);
    this.indexOf = new Map(candidates.map((c, i) => [c, i]));
    this.weight = diversity?.weight ?? 0;
    if (diversity !== undefined && this.weight !== 0) for (const c of candidates) this.vectors.push(diversity.embeddings.vectorOf(c.video.id));
  }

  /** Whether the candidate at `index` is not placed yet. */
  remains(index: number): boolean {
    return this.placedAt[index] === 0;
  }

  /** Whether the candidate is one of these and not placed yet. */
  remainsCandidate(c: Candidate): boolean {
    const index = this.indexOf.get(c);
    return index !== undefined && this.placedAt[index] === 0;
  }

  /**
   * At least the marginal relevance of the candidate at `index`: its value against the videos it was last compared
   * with. Similarities only add up as videos are placed, so a candidate whose bound loses already loses, and the
   * selection compares a candidate with the page only when it could win (most of a page's candidates never are).
   */
  bound(index: number): number {
    return (1 - this.weight) * this.relevance[index]! - this.weight * this.closest[index]!;
  }

  /** The marginal relevance of the candidate at `index`, against the page so far. */
  value(index: number): number {
    const placed = this.placedOrder;
    if (this.weight !== 0 && this.compared[index]! < placed.length) {
      const c = this.candidates[index]!;
      const v = this.vectors[index];
      let closest = this.closest[index]!;
      for (let p = this.compared[index]!; p < placed.length; p++) {
        const sim = similarity(this.candidates[placed[p]!]!.video, this.vectors[placed[p]!], c.video, v);
        if (sim > closest) closest = sim;
      }
      this.closest[index] = closest;
      this.compared[index] = placed.length;
    }
    return this.bound(index);
  }

  placed(c: Candidate): void {
    const index = this.indexOf.get(c)!;
    this.placedAt[index] = 1;
    this.placedOrder.push(index);
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
