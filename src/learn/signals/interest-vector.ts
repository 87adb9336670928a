/**
 * A person's taste in the space of video content embeddings: a time-decayed sum of the embeddings of
 * what they engaged with, weighted by how much they liked it (negative for what they rejected).
 */
export class InterestVector {
  private sum: Float32Array | undefined;
  private lastTs = 0;
  /** Total absolute weight so far, decayed like the sum: tells how much evidence there is. */
  evidence = 0;

  constructor(private readonly halfLifeMs: number) {}

  add(embedding: readonly number[], weight: number, ts: number): void {
    const decay = ts > this.lastTs && this.lastTs > 0 ? Math.pow(0.5, (ts - this.lastTs) / this.halfLifeMs) : 1;
    this.sum ??= new Float32Array(embedding.length);
    for (let i = 0; i < embedding.length; i++) this.sum[i] = this.sum[i]! * decay + weight * embedding[i]!;
    this.evidence = this.evidence * decay + Math.abs(weight);
    this.lastTs = Math.max(this.lastTs, ts);
  }

  /** The unit-length direction of the person's taste, or undefined before any evidence. */
  direction(): Float32Array | undefined {
    if (this.sum === undefined) return undefined;
    const norm = Math.hypot(...this.sum);
    return norm === 0 ? undefined : this.sum.map((x) => x / norm);
  }
}
