/**
 * Video content embeddings in one contiguous Float32Array, searched by brute force: exact, and fast
 * enough for a catalog of this machine's size (about 1 ms per 100k videos of 32 dimensions).
 */
const IVF_FROM = 20_000;

/** An inverted file: centroids sampled from the catalog, and the rows nearest each centroid. */
class Clusters {
  readonly members: number[][];

  constructor(
    private readonly centroids: Float32Array,
    private readonly dim: number,
    readonly builtAt: number,
  ) {
    this.members = Array.from({ length: centroids.length / dim }, () => []);
  }

  get probes(): number {
    return Math.max(4, Math.round(this.members.length / 16));
  }

  add(row: number, vectors: Float32Array): void {
    const scores = this.centroidScores(vectors.subarray(row * this.dim, (row + 1) * this.dim));
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[best]!) best = c;
    this.members[best]!.push(row);
  }

  nearestCentroids(query: Float32Array, count: number): number[] {
    const scores = this.centroidScores(query);
    return Array.from(scores.keys())
      .sort((a, b) => scores[b]! - scores[a]!)
      .slice(0, count);
  }

  private centroidScores(vector: Float32Array): Float32Array {
    const scores = new Float32Array(this.members.length);
    for (let c = 0, o = 0; c < scores.length; c++, o += this.dim) {
      let dot = 0;
      for (let i = 0; i < this.dim; i++) dot += this.centroids[o + i]! * vector[i]!;
      scores[c] = dot;
    }
    return scores;
  }
}

export class EmbeddingIndex {
  private vectors: Float32Array;
  private clusters: Clusters | undefined;
  private ids: string[] = [];
  private readonly rows = new Map<string, number>();

  constructor(readonly dim: number) {
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
    } else {
      this.clusters = undefined; // a moved vector may belong to another cluster now
    }
    const norm = Math.hypot(...embedding) || 1;
    for (let i = 0; i < this.dim; i++) this.vectors[row * this.dim + i] = embedding[i]! / norm;
    this.clusters?.add(row, this.vectors);
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
    this.clusters = undefined; // rows moved: rebuilt on the next search (removals are rare)
  }

  /** Samples about sqrt(n)/4 rows as centroids and files every row under its nearest one. */
  private buildClusters(): Clusters {
    const n = this.ids.length;
    const count = Math.min(256, Math.max(16, Math.round(Math.sqrt(n) / 4)));
    const centroids = new Float32Array(count * this.dim);
    for (let c = 0; c < count; c++) {
      const row = Math.floor((c * n) / count);
      centroids.set(this.vectors.subarray(row * this.dim, (row + 1) * this.dim), c * this.dim);
    }
    const clusters = new Clusters(centroids, this.dim, n);
    for (let r = 0; r < n; r++) clusters.add(r, this.vectors);
    return clusters;
  }

  /** The unit-length embedding of a video (a view: copy it to keep it), or undefined when it has none. */
  vectorOf(id: string): Float32Array | undefined {
    const row = this.rows.get(id);
    return row === undefined ? undefined : this.vectors.subarray(row * this.dim, (row + 1) * this.dim);
  }

  /**
   * The `k` most similar videos to a unit query, best first. Exact below `IVF_FROM` videos; above, only the
   * rows of the clusters nearest the query are scanned (an inverted-file index, rebuilt as the catalog doubles).
   */
  nearest(query: Float32Array, k: number): { id: string; similarity: number }[] {
    if (this.ids.length < IVF_FROM) return this.nearestAmong(query, k, undefined);
    this.prepare();
    const probes = this.clusters!.nearestCentroids(query, this.clusters!.probes);
    const rows: number[] = [];
    for (const c of probes) for (const r of this.clusters!.members[c]!) rows.push(r);
    return this.nearestAmong(query, k, rows);
  }

  /** Builds the clusters now if a search would have to (about 1 s per 100k videos), e.g. right after start. */
  prepare(): void {
    if (this.ids.length < IVF_FROM) return;
    if (this.clusters === undefined || this.ids.length > 2 * this.clusters.builtAt) this.clusters = this.buildClusters();
  }

  /** Exact search: over every row, or over the given rows. */
  nearestExact(query: Float32Array, k: number): { id: string; similarity: number }[] {
    return this.nearestAmong(query, k, undefined);
  }

  private nearestAmong(query: Float32Array, k: number, rows: number[] | undefined): { id: string; similarity: number }[] {
    const dim = this.dim;
    const v = this.vectors;
    const heapRows = new Int32Array(k);
    const heapScores = new Float32Array(k);
    let size = 0;
    const count = rows === undefined ? this.ids.length : rows.length;
    for (let j = 0; j < count; j++) {
      const r = rows === undefined ? j : rows[j]!;
      const o = r * dim;
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += v[o + i]! * query[i]!;
      if (size < k) {
        // Sift up.
        let at = size++;
        while (at > 0 && heapScores[(at - 1) >> 1]! > dot) {
          heapScores[at] = heapScores[(at - 1) >> 1]!;
          heapRows[at] = heapRows[(at - 1) >> 1]!;
          at = (at - 1) >> 1;
        }
        heapScores[at] = dot;
        heapRows[at] = r;
      } else if (dot > heapScores[0]!) {
        // Replace the worst and sift down.
        let at = 0;
        for (;;) {
          const l = 2 * at + 1;
          if (l >= size) break;
          const c = l + 1 < size && heapScores[l + 1]! < heapScores[l]! ? l + 1 : l;
          if (heapScores[c]! >= dot) break;
          heapScores[at] = heapScores[c]!;
          heapRows[at] = heapRows[c]!;
          at = c;
        }
        heapScores[at] = dot;
        heapRows[at] = r;
      }
    }
    return Array.from({ length: size }, (_, i) => ({ id: this.ids[heapRows[i]!]!, similarity: heapScores[i]! })).sort((a, b) => b.similarity - a.similarity);
  }
}
