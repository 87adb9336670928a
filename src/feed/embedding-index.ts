/**
 * Video content embeddings in one contiguous Float32Array, searched by brute force: exact, and fast
 * enough for a catalog of this machine's size (about 1 ms per 100k videos of 32 dimensions).
 */
export class EmbeddingIndex {
  private vectors: Float32Array;
  private ids: string[] = [];
  private readonly rows = new Map<string, number>();

  constructor(private readonly dim: number) {
    this.vectors = new Float32Array(1024 * dim);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Stores the unit-length embedding of a video (replacing an earlier one). */
  put(id: string, embedding: readonly number[]): void {
    let row = this.rows.get(id);
    if (row === undefined) {
      row = this.ids.length;
      if ((row + 1) * this.dim > this.vectors.length) {
        const grown = new Float32Array(this.vectors.length * 2);
        grown.set(this.vectors);
        this.vectors = grown;
      }
      this.ids.push(id);
      this.rows.set(id, row);
    }
    const norm = Math.hypot(...embedding) || 1;
    for (let i = 0; i < this.dim; i++) this.vectors[row * this.dim + i] = embedding[i]! / norm;
  }

  delete(id: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    const last = this.ids.length - 1;
    const lastId = this.ids[last]!;
    this.vectors.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
    this.ids[row] = lastId;
    this.rows.set(lastId, row);
    this.ids.pop();
    this.rows.delete(id);
  }

  /** Cosine similarity of a video to a unit query, or undefined when it has no embedding. */
  similarity(id: string, query: Float32Array): number | undefined {
    const row = this.rows.get(id);
    if (row === undefined) return undefined;
    let dot = 0;
    for (let i = 0, o = row * this.dim; i < this.dim; i++) dot += this.vectors[o + i]! * query[i]!;
    return dot;
  }

  /** The `k` most similar videos to a unit query, best first. */
  nearest(query: Float32Array, k: number): { id: string; similarity: number }[] {
    const n = this.ids.length;
    const scores = new Float32Array(n);
    const dim = this.dim;
    const v = this.vectors;
    for (let r = 0; r < n; r++) {
      let dot = 0;
      const o = r * dim;
      for (let i = 0; i < dim; i++) dot += v[o + i]! * query[i]!;
      scores[r] = dot;
    }
    // Partial selection: only the rows at or above the k-th best score are sorted.
    const order = Array.from({ length: n }, (_, r) => r);
    const threshold = k >= n ? -Infinity : kthLargest(scores, k);
    const best = order.filter((r) => scores[r]! >= threshold);
    return best
      .sort((a, b) => scores[b]! - scores[a]!)
      .slice(0, k)
      .map((r) => ({ id: this.ids[r]!, similarity: scores[r]! }));
  }
}

/** The k-th largest value (k ≥ 1), by quickselect on a copy. */
function kthLargest(values: Float32Array, k: number): number {
  const a = Float32Array.from(values);
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        [a[i], a[j]] = [a[j]!, a[i]!];
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}
