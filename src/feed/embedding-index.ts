/**
 * Video content embeddings in one contiguous Float32Array: searched by brute force (exact, about 1 ms per 100k
 * videos of 32 dimensions) below `IVF_FROM` videos, through an inverted file above.
 */
import { BestSlots } from '../core/best-slots.ts';

const IVF_FROM = 20_000;

/**
 * An inverted file: centroids sampled from the catalog, and the rows nearest each centroid. When the clusters
 * are built the rows are reordered so that each cluster's rows are contiguous: a search then reads a few long
 * runs of memory instead of rows scattered over the whole table, about four times faster at a million videos
 * for the same rows. Rows added since the build are listed by cluster.
 */
class Clusters {
  /** The rows filed under cluster c at the build are [starts[c], starts[c + 1]). */
  readonly starts: Int32Array;
  readonly added: number[][];

  constructor(
    private readonly centroids: Float32Array,
    private readonly dim: number,
    readonly builtAt: number,
  ) {
    this.starts = new Int32Array(this.count + 1);
    this.added = Array.from({ length: this.count }, () => []);
  }

  get count(): number {
    return this.centroids.length / this.dim;
  }

  get probes(): number {
    return Math.max(4, Math.round(this.count / 16));
  }

  nearestCentroid(vectors: Float32Array, row: number): number {
    const scores = this.centroidScores(vectors.subarray(row * this.dim, (row + 1) * this.dim));
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[best]!) best = c;
    return best;
  }

  add(row: number, vectors: Float32Array): void {
    this.added[this.nearestCentroid(vectors, row)]!.push(row);
  }

  nearestCentroids(query: Float32Array, count: number): number[] {
    const scores = this.centroidScores(query);
    return Array.from(scores.keys())
      .sort((a, b) => scores[b]! - scores[a]!)
      .slice(0, count);
  }

  private centroidScores(vector: Float32Array): Float32Array {
    const scores = new Float32Array(this.count);
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
  /**
   * Rows left behind by a removed or changed video while the clusters stand: moving rows would break the
   * clusters' runs, and rebuilding them takes seconds at a million videos. Dropped at the next build.
   */
  private dead = new Uint8Array(1024);
  private deadCount = 0;

  constructor(readonly dim: number) {
    this.vectors = new Float32Array(1024 * dim);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Stores the unit-length embedding of a video (replacing an earlier one). */
  put(id: string, embedding: readonly number[]): void {
    const norm = Math.hypot(...embedding) || 1;
    const unit = Float32Array.from({ length: this.dim }, (_, i) => (embedding[i] ?? 0) / norm);
    const existing = this.rows.get(id);
    if (existing !== undefined) {
      if (this.vectors.subarray(existing * this.dim, (existing + 1) * this.dim).every((x, i) => x === unit[i])) return;
      if (this.clusters === undefined) {
        this.vectors.set(unit, existing * this.dim);
        return;
      }
      this.bury(existing); // the new direction may belong to another cluster: filed anew below
      this.rows.delete(id);
    }
    const row = this.ids.length;
    if ((row + 1) * this.dim > this.vectors.length) this.grow();
    this.ids.push(id);
    this.rows.set(id, row);
    this.vectors.set(unit, row * this.dim);
    this.clusters?.add(row, this.vectors);
  }

  delete(id: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    this.rows.delete(id);
    if (this.clusters !== undefined) {
      this.bury(row);
      return;
    }
    // No clusters to keep: the last row moves into the gap.
    const last = this.ids.length - 1;
    const lastId = this.ids[last]!;
    this.vectors.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
    this.ids[row] = lastId;
    if (row !== last) this.rows.set(lastId, row);
    this.ids.pop();
  }

  private bury(row: number): void {
    this.dead[row] = 1;
    this.deadCount++;
  }

  private grow(): void {
    const vectors = new Float32Array(this.vectors.length * 2);
    vectors.set(this.vectors);
    this.vectors = vectors;
    const dead = new Uint8Array(this.dead.length * 2);
    dead.set(this.dead);
    this.dead = dead;
  }

  /** Drops the dead rows, keeping the others in order. */
  private compact(): void {
    let to = 0;
    for (let r = 0; r < this.ids.length; r++) {
      if (this.dead[r] === 1) continue;
      if (to !== r) {
        this.vectors.copyWithin(to * this.dim, r * this.dim, (r + 1) * this.dim);
        this.ids[to] = this.ids[r]!;
        this.rows.set(this.ids[to]!, to);
      }
      to++;
    }
    this.ids.length = to;
    this.dead.fill(0);
    this.deadCount = 0;
  }

  /**
   * Samples about sqrt(n)/4 rows as centroids, files every row under its nearest one, and reorders the rows
   * so that each cluster's are contiguous (a counting sort by cluster).
   */
  private buildClusters(): Clusters {
    if (this.deadCount > 0) this.compact();
    const n = this.ids.length;
    const dim = this.dim;
    const count = Math.min(256, Math.max(16, Math.round(Math.sqrt(n) / 4)));
    const centroids = new Float32Array(count * dim);
    for (let c = 0; c < count; c++) {
      const row = Math.floor((c * n) / count);
      centroids.set(this.vectors.subarray(row * dim, (row + 1) * dim), c * dim);
    }
    const clusters = new Clusters(centroids, dim, n);
    const clusterOf = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      clusterOf[r] = clusters.nearestCentroid(this.vectors, r);
      clusters.starts[clusterOf[r]! + 1]!++;
    }
    for (let c = 0; c < count; c++) clusters.starts[c + 1]! += clusters.starts[c]!;
    const next = clusters.starts.slice(0, count);
    const vectors = new Float32Array(this.vectors.length);
    const ids = new Array<string>(n);
    // (The dead rows were just dropped, so `dead` is all zeros and stays valid for the new order.)
    for (let r = 0; r < n; r++) {
      const to = next[clusterOf[r]!]!++;
      vectors.set(this.vectors.subarray(r * dim, (r + 1) * dim), to * dim);
      ids[to] = this.ids[r]!;
      this.rows.set(ids[to], to);
    }
    this.vectors = vectors;
    this.ids = ids;
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
    if (this.rows.size < IVF_FROM) return this.nearestExact(query, k);
    this.prepare();
    const clusters = this.clusters!;
    const best = new BestSlots(k);
    for (const c of clusters.nearestCentroids(query, clusters.probes)) {
      this.scan(query, best, clusters.starts[c]!, clusters.starts[c + 1]!, undefined);
      this.scan(query, best, 0, clusters.added[c]!.length, clusters.added[c]);
    }
    return this.found(best);
  }

  /** Builds the clusters now if a search would have to (about 1 s per 100k videos), e.g. right after start. */
  prepare(): void {
    if (this.rows.size < IVF_FROM) return;
    if (this.clusters === undefined || this.ids.length > 2 * this.clusters.builtAt) this.clusters = this.buildClusters();
  }

  /** Exact search, over every row. */
  nearestExact(query: Float32Array, k: number): { id: string; similarity: number }[] {
    const best = new BestSlots(k);
    this.scan(query, best, 0, this.ids.length, undefined);
    return this.found(best);
  }

  /** Offers rows [from, to) to `best`: rows of the table itself, or, with `list`, the rows list[from..to). */
  private scan(query: Float32Array, best: BestSlots, from: number, to: number, list: readonly number[] | undefined): void {
    const dim = this.dim;
    const v = this.vectors;
    const dead = this.dead;
    for (let j = from; j < to; j++) {
      const r = list === undefined ? j : list[j]!;
      if (dead[r] === 1) continue;
      const o = r * dim;
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += v[o + i]! * query[i]!;
      if (best.wouldTake(dot)) best.push(r, dot);
    }
  }

  private found(best: BestSlots): { id: string; similarity: number }[] {
    return best.sorted().map(({ slot, similarity }) => ({ id: this.ids[slot]!, similarity }));
  }
}
