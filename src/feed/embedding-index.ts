/**
 * Video content embeddings in one contiguous Float32Array, searched by brute force (exact, about 1 ms per 100k
 * videos of 32 dimensions) below `GRAPH_FROM` videos and through an HNSW graph (hnswlib-node) above. The
 * graph's labels are the table's rows: once the graph exists a video keeps its row, and a removed video's row
 * is marked deleted in the graph and given to the next new video. The graph can be written to a file and read
 * back (`saveGraph`, `loadGraph`), so a restart does not build it again.
 */
import hnswlib from 'hnswlib-node';
import { BestSlots } from '../core/best-slots.ts';

const GRAPH_FROM = 20_000;
/** At a million videos of bench:feed's catalog: recall 0.9+ of the exact top 100 (see bench:content-search). */
const GRAPH = { m: 16, efConstruction: 64, efSearch: 128, seed: 1 };

/** What `saveGraph` wrote: each row's video (null for a free row) and a hash of its vector, to check the graph against at load. */
export interface SavedGraphRows {
  ids: (string | null)[];
  hashes: Uint32Array;
}

export class EmbeddingIndex {
  private vectors: Float32Array;
  /** The video of each row; undefined for a row freed while the graph stands. */
  private ids: (string | undefined)[] = [];
  private readonly rows = new Map<string, number>();
  private free: number[] = [];
  private graph: hnswlib.HierarchicalNSW | undefined;
  private ef = GRAPH.efSearch;
  /** The vector being stored, rounded to float32, as the plain array Math.hypot takes. */
  private readonly scratch: number[];

  /** `graphFrom`: the catalog size from which searches go through the graph. */
  constructor(
    readonly dim: number,
    private readonly graphFrom = GRAPH_FROM,
  ) {
    this.vectors = new Float32Array(1024 * dim);
    this.scratch = new Array<number>(dim).fill(0);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Whether searches of a catalog this large go through the graph (built or loaded). */
  get hasGraph(): boolean {
    return this.graph !== undefined;
  }

  /** Stores the unit-length embedding of a video (replacing an earlier one). */
  put(id: string, embedding: readonly number[]): void {
    // Rounded to float32 first, as the store keeps it: the vector after a restart is then the same, bit for bit,
    // and the saved graph's copy of it passes the check at load.
    // Plain loops and Math.hypot over a reused array: the same numbers as spreading the vector, at a quarter of the
    // cost, which a start pays for every video of the catalog.
    const unit = new Float32Array(this.dim);
    const rounded = this.scratch;
    for (let i = 0; i < this.dim; i++) {
      unit[i] = embedding[i] ?? 0;
      rounded[i] = unit[i]!;
    }
    const norm = Math.hypot.apply(null, rounded) || 1;
    for (let i = 0; i < this.dim; i++) unit[i] = unit[i]! / norm;
    const existing = this.rows.get(id);
    if (existing !== undefined) {
      if (this.vectorAt(existing).every((x, i) => x === unit[i])) return;
      this.vectors.set(unit, existing * this.dim);
      this.graph?.addPoint(Array.from(unit), existing); // replaces the graph's copy
      return;
    }
    const row = this.free.pop() ?? this.ids.length;
    if (row === this.ids.length) {
      if ((row + 1) * this.dim > this.vectors.length) this.grow(2 * this.vectors.length);
      this.ids.push(id);
    } else this.ids[row] = id;
    this.rows.set(id, row);
    this.vectors.set(unit, row * this.dim);
    if (this.graph !== undefined) this.addToGraph(this.graph, row);
  }

  delete(id: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    this.rows.delete(id);
    if (this.graph !== undefined) {
      this.graph.markDelete(row);
      this.ids[row] = undefined;
      this.vectors.fill(0, row * this.dim, (row + 1) * this.dim);
      this.free.push(row);
      return;
    }
    // No graph to keep in step: the last row moves into the gap.
    const last = this.ids.length - 1;
    const lastId = this.ids[last]!;
    this.vectors.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
    this.ids[row] = lastId;
    if (row !== last) this.rows.set(lastId, row);
    this.ids.pop();
  }

  private grow(length: number): void {
    const vectors = new Float32Array(length);
    vectors.set(this.vectors.subarray(0, Math.min(length, this.vectors.length)));
    this.vectors = vectors;
  }

  private vectorAt(row: number): Float32Array {
    return this.vectors.subarray(row * this.dim, (row + 1) * this.dim);
  }

  private addToGraph(graph: hnswlib.HierarchicalNSW, row: number): void {
    if (row >= graph.getMaxElements()) graph.resizeIndex(Math.max(2 * graph.getMaxElements(), row + 1));
    graph.addPoint(Array.from(this.vectorAt(row)), row);
  }

  /** The unit-length embedding of a video (a view: copy it to keep it), or undefined when it has none. */
  vectorOf(id: string): Float32Array | undefined {
    const row = this.rows.get(id);
    return row === undefined ? undefined : this.vectorAt(row);
  }

  /** The `k` most similar videos to a unit query, best first: exact below `graphFrom` videos, from the graph above. */
  nearest(query: Float32Array, k: number): { id: string; similarity: number }[] {
    if (this.rows.size < this.graphFrom || k <= 0) return this.nearestExact(query, k);
    this.prepare();
    const graph = this.graph!;
    const ef = Math.max(GRAPH.efSearch, k);
    if (ef !== this.ef) graph.setEf((this.ef = ef));
    const result = graph.searchKnn(Array.from(query), Math.min(k, this.rows.size));
    return result.neighbors.map((row, i) => ({ id: this.ids[row]!, similarity: 1 - result.distances[i]! })).sort((a, b) => b.similarity - a.similarity);
  }

  /** Builds the graph now if a search would have to (about 3 minutes per million videos on one core), e.g. right after start. */
  prepare(): void {
    if (this.rows.size < this.graphFrom || this.graph !== undefined) return;
    const graph = new hnswlib.HierarchicalNSW('cosine', this.dim);
    graph.initIndex({ maxElements: Math.max(1, this.vectors.length / this.dim), m: GRAPH.m, efConstruction: GRAPH.efConstruction, randomSeed: GRAPH.seed });
    graph.setEf(this.ef);
    // (No row is free while there is no graph: removals closed the gaps.)
    for (let row = 0; row < this.ids.length; row++) graph.addPoint(Array.from(this.vectorAt(row)), row);
    this.graph = graph;
  }

  /** Exact search, over every row. */
  nearestExact(query: Float32Array, k: number): { id: string; similarity: number }[] {
    const best = new BestSlots(k);
    const dim = this.dim;
    const v = this.vectors;
    for (let r = 0, o = 0; r < this.ids.length; r++, o += dim) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += v[o + i]! * query[i]!;
      if (best.wouldTake(dot) && this.ids[r] !== undefined) best.push(r, dot);
    }
    return best.sorted().map(({ slot, similarity }) => ({ id: this.ids[slot]!, similarity }));
  }

  /** Writes the graph to `path` (blocking); undefined when there is none. */
  saveGraph(path: string): SavedGraphRows | undefined {
    if (this.graph === undefined) return undefined;
    this.graph.writeIndexSync(path);
    const hashes = new Uint32Array(this.ids.length);
    for (let row = 0; row < this.ids.length; row++) hashes[row] = this.hashOf(row);
    return { ids: this.ids.map((id) => id ?? null), hashes };
  }

  /**
   * Takes the graph written by `saveGraph`, in place of building one: each video goes back to its saved row, a
   * video whose vector changed since (its hash differs) or that is new is added to the graph, and the rows of
   * videos gone since are marked deleted. Call it with the catalog's videos put and no graph yet. Returns false,
   * leaving the index as it was, when more than a quarter of the videos would have to be added: replacing a
   * point in hnswlib repairs its neighbours' links, several times the cost of a fresh insert, so a build is faster.
   */
  loadGraph(path: string, saved: SavedGraphRows): boolean {
    if (this.graph !== undefined) throw new Error('the embedding index already has a graph');
    const graph = new hnswlib.HierarchicalNSW('cosine', this.dim);
    graph.readIndexSync(path);
    graph.setEf(this.ef);
    const rowCount = saved.ids.length;
    const vectors = new Float32Array(Math.max(graph.getMaxElements(), rowCount + this.rows.size, 1024) * this.dim);
    const ids = new Array<string | undefined>(rowCount).fill(undefined);
    const free: number[] = [];
    const toAdd: number[] = [];
    const placed = new Set<string>();
    for (let row = rowCount - 1; row >= 0; row--) {
      const id = saved.ids[row];
      const now = id === null || id === undefined ? undefined : this.rows.get(id);
      if (now === undefined) {
        if (id !== null && id !== undefined) graph.markDelete(row);
        free.push(row);
        continue;
      }
      vectors.set(this.vectorAt(now), row * this.dim);
      ids[row] = id!;
      placed.add(id!);
      if (this.hashOf(now) !== saved.hashes[row]) toAdd.push(row);
    }
    for (const [id, now] of this.rows) {
      if (placed.has(id)) continue;
      const row = free.pop() ?? ids.length;
      if (row === ids.length) ids.push(id);
      else ids[row] = id;
      vectors.set(this.vectorAt(now), row * this.dim);
      toAdd.push(row);
    }
    if (toAdd.length > this.rows.size / 4) return false;
    this.vectors = vectors;
    this.ids = ids;
    this.free = free;
    this.rows.clear();
    ids.forEach((id, row) => id !== undefined && this.rows.set(id, row));
    for (const row of toAdd) this.addToGraph(graph, row);
    this.graph = graph;
    return true;
  }

  /**
   * A hash of the bits of a row's vector: multiply and shift, so a change in any bit (a sign, say) reaches the
   * whole word; a plain multiply would only carry it upwards, and sign flips could cancel out.
   */
  private hashOf(row: number): number {
    const bits = new Uint32Array(this.vectors.buffer, this.vectors.byteOffset + row * this.dim * 4, this.dim);
    let hash = 0x811c9dc5;
    for (let i = 0; i < bits.length; i++) {
      hash = Math.imul(hash ^ bits[i]!, 0x85ebca6b);
      hash ^= hash >>> 13;
    }
    return hash >>> 0;
  }
}
