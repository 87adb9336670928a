/**
 * Unit-length item vectors by catalog slot, for candidate retrieval by cosine similarity: brute force over the
 * Float32Array is the exact reference; an HNSW graph (hnswlib-node) answers for large catalogs, brought up to
 * date with the vectors that changed since its last sync. The graph can be saved and loaded beside a snapshot
 * (`saveGraph`, `loadGraph`): a loaded graph is checked against these vectors at its first sync.
 */
import hnswlib from 'hnswlib-node';
import { BestSlots } from '../../core/best-slots.ts';

/** A vector is re-inserted into the graph once its direction has turned this far from the graph's copy. */
const RESYNC_BELOW_COSINE = 0.99;
/** A search without the caller's filter asks for at least this many times k, so that k usually pass it. */
const UNFILTERED_MARGIN = 2;
/**
 * The nodes a filtered search may ask the filter about: a few milliseconds of search, enough for k = 30 when one
 * node in ten passes (`npm run bench:vector-filter`, docs/benchmarks.md).
 */
export const FILTER_BUDGET = 5000;

export interface AnnOptions {
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
}

export interface Neighbour {
  slot: number;
  similarity: number;
}

export class VideoVectors {
  private vectors: Float32Array;
  private valid = new Uint8Array(1024);
  private dirty = new Uint8Array(1024);
  private dirtyList: number[] = [];
  private ann: hnswlib.HierarchicalNSW | undefined;
  /** Slots the graph holds, and those of them marked deleted. */
  private inGraph = new Set<number>();
  private deleted = new Set<number>();
  /** While the graph is being written to a file (on the thread pool), it is not changed. */
  private saving = false;

  constructor(
    readonly dim: number,
    private readonly annOptions: AnnOptions,
  ) {
    this.vectors = new Float32Array(1024 * dim);
  }

  /** Stores the direction of `vector` (its first `dim` floats); a zero vector makes the slot unsearchable. */
  set(slot: number, vector: Float32Array): void {
    this.ensure(slot);
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += vector[i]! * vector[i]!;
    norm = Math.sqrt(norm);
    const o = slot * this.dim;
    if (norm === 0) {
      this.clear(slot);
      return;
    }
    for (let i = 0; i < this.dim; i++) this.vectors[o + i] = vector[i]! / norm;
    this.valid[slot] = 1;
    this.markDirty(slot);
  }

  clear(slot: number): void {
    this.ensure(slot);
    this.valid[slot] = 0;
    this.vectors.fill(0, slot * this.dim, (slot + 1) * this.dim);
    this.markDirty(slot);
  }

  private markDirty(slot: number): void {
    if (this.dirty[slot] === 1) return;
    this.dirty[slot] = 1;
    this.dirtyList.push(slot);
  }

  private ensure(slot: number): void {
    if (slot < this.valid.length) return;
    let size = this.valid.length;
    while (size <= slot) size *= 2;
    const vectors = new Float32Array(size * this.dim);
    vectors.set(this.vectors);
    this.vectors = vectors;
    const valid = new Uint8Array(size);
    valid.set(this.valid);
    this.valid = valid;
    const dirty = new Uint8Array(size);
    dirty.set(this.dirty);
    this.dirty = dirty;
  }

  /** Exact top-k by cosine similarity to a unit query, best first; `accept` filters slots. */
  exact(query: Float32Array, k: number, accept?: (slot: number) => boolean): Neighbour[] {
    const dim = this.dim;
    const heap = new BestSlots(k);
    const count = this.valid.length;
    for (let s = 0; s < count; s++) {
      if (this.valid[s] === 0) continue;
      let dot = 0;
      for (let i = 0, o = s * dim; i < dim; i++) dot += this.vectors[o + i]! * query[i]!;
      if (heap.wouldTake(dot) && (accept === undefined || accept(s))) heap.push(s, dot);
    }
    return heap.sorted();
  }

  /**
   * Approximate top-k from the HNSW graph as of its last `sync` (built on first use). Similarities are those of
   * the graph's copy of each vector; slots cleared since the sync are never returned. The graph is first asked
   * without `accept`, for every node its `efSearch` candidates hold (the same search as for k), and `accept` is
   * applied to those: hnswlib calls a filter for every node its search visits, each a call into JavaScript.
   * Only when too few pass is the search repeated with the filter, and that search's work is bounded: a filter
   * that rejects most of a neighbourhood (seen, held, restricted) sends it far, 20–70 ms at 300,000
   * videos when one in a hundred passes. After FILTER_BUDGET calls the filter lets every live node in, which
   * ends the search, and what it returns is filtered again: fewer than k then, the nearest found within the budget.
   */
  approximate(query: Float32Array, k: number, accept?: (slot: number) => boolean): Neighbour[] {
    const ann = this.ann ?? this.sync();
    const live = this.inGraph.size - this.deleted.size;
    if (live <= 0 || k <= 0) return [];
    const point = Array.from(query);
    const passes = (slot: number) => this.valid[slot] === 1 && (accept === undefined || accept(slot));
    const wanted = Math.min(Math.max(UNFILTERED_MARGIN * k, this.annOptions.efSearch), live);
    const unfiltered = ann.searchKnn(point, wanted);
    const found: Neighbour[] = [];
    for (let i = 0; i < unfiltered.neighbors.length && found.length < k; i++) {
      const slot = unfiltered.neighbors[i]!;
      if (passes(slot)) found.push({ slot, similarity: 1 - unfiltered.distances[i]! });
    }
    if (found.length >= Math.min(k, live) || unfiltered.neighbors.length < wanted || wanted >= live) return sortedBySimilarity(found);
    let calls = 0;
    const filter = (slot: number) => (++calls > FILTER_BUDGET ? this.valid[slot] === 1 : passes(slot));
    const result = ann.searchKnn(point, wanted, filter);
    const within = result.neighbors.map((slot, i) => ({ slot, similarity: 1 - result.distances[i]! }));
    return sortedBySimilarity(calls > FILTER_BUDGET ? within.filter((n) => passes(n.slot)) : within).slice(0, k);
  }

  /**
   * Brings the HNSW graph up to date: changed vectors added (or replaced), cleared ones marked deleted. A vector
   * that moved less than about 8 degrees from the graph's copy is left as it is (an SGD step rarely moves one
   * further; re-inserting each would cost more than the events that moved them). At most `limit` vectors are
   * inserted per call (oldest changes first), so a caller can spread the work over time.
   */
  sync(limit = Infinity): hnswlib.HierarchicalNSW {
    let ann = this.ann;
    if (ann !== undefined && this.saving) return ann;
    if (ann === undefined) {
      ann = new hnswlib.HierarchicalNSW('cosine', this.dim);
      ann.initIndex({ maxElements: this.valid.length, m: this.annOptions.m, efConstruction: this.annOptions.efConstruction, randomSeed: this.annOptions.seed });
      ann.setEf(this.annOptions.efSearch);
      this.ann = ann;
      for (let s = 0; s < this.valid.length; s++) if (this.valid[s] === 1) this.markDirty(s);
    }
    if (this.valid.length > ann.getMaxElements()) ann.resizeIndex(this.valid.length);
    let inserted = 0;
    let at = 0;
    for (; at < this.dirtyList.length && inserted < limit; at++) {
      const slot = this.dirtyList[at]!;
      this.dirty[slot] = 0;
      const vector = this.vectors.subarray(slot * this.dim, (slot + 1) * this.dim);
      if (this.valid[slot] === 1) {
        const live = this.inGraph.has(slot) && !this.deleted.has(slot);
        if (live && cosine(vector, ann.getPoint(slot)) >= RESYNC_BELOW_COSINE) continue;
        if (this.deleted.delete(slot)) ann.unmarkDelete(slot);
        ann.addPoint(Array.from(vector), slot);
        this.inGraph.add(slot);
        inserted++;
      } else if (this.inGraph.has(slot) && !this.deleted.has(slot)) {
        ann.markDelete(slot);
        this.deleted.add(slot);
      }
    }
    this.dirtyList = at === this.dirtyList.length ? [] : this.dirtyList.slice(at);
    return ann;
  }

  /**
   * Writes the graph to `path` without blocking the thread (hnswlib writes it on the thread pool; syncs wait
   * meanwhile, searches go on). Returns the slots marked deleted, which the file does not list, or undefined
   * when there is no graph yet.
   */
  async saveGraph(path: string): Promise<number[] | undefined> {
    const ann = this.ann;
    if (ann === undefined || this.saving) return undefined;
    this.saving = true;
    try {
      const deleted = [...this.deleted];
      await ann.writeIndex(path);
      return deleted;
    } finally {
      this.saving = false;
    }
  }

  /**
   * Replaces the graph with one saved by `saveGraph`. Every slot is checked against it at the next sync: a
   * vector that turned since the graph was saved is re-inserted, a cleared one marked deleted.
   */
  async loadGraph(path: string, deleted: readonly number[]): Promise<void> {
    const ann = new hnswlib.HierarchicalNSW('cosine', this.dim);
    await ann.readIndex(path);
    ann.setEf(this.annOptions.efSearch);
    this.ann = ann;
    this.inGraph = new Set(ann.getIdsList());
    this.deleted = new Set(deleted);
    for (let s = 0; s < this.valid.length; s++) if (this.valid[s] === 1 || this.inGraph.has(s)) this.markDirty(s);
  }

  /** Vectors changed since the graph was last synced. */
  get pending(): number {
    return this.dirtyList.length;
  }
}

function sortedBySimilarity(found: Neighbour[]): Neighbour[] {
  return found.sort((a, b) => b.similarity - a.similarity || a.slot - b.slot);
}

function cosine(a: Float32Array, b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
