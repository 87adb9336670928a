/**
 * Records what the online learners learn from their own events, between two model deltas (see
 * model-delta.ts): the learners tell it of every counter add, baseline play, item row step and Swing pair,
 * and it keeps the item rows', the projection's and the ranker's values as they were before, so a delta is
 * the difference. Increments applied from other replicas are added to those bases too, so they never come
 * back out in this replica's own deltas.
 */
import { DURATION_BUCKETS } from './duration-baseline.ts';
import type { ItemDelta } from './model-delta.ts';
import { type COUNTERS, VideoCounters } from './video-counters.ts';

export interface RecordedParts {
  counters: VideoCounters;
  projection: Float32Array;
  ranker: readonly [Float64Array, Float64Array];
  videoId(slot: number): string;
  /** The video's row now and its last sighting, or undefined once evicted. */
  itemRow(videoId: string): { vector: Float32Array; lastSeen: number } | undefined;
}

export class ModelDeltaRecorder {
  events = 0;
  clock = 0;
  /** People whose state changed: each goes whole into the next delta. */
  readonly people = new Set<string>();
  private counters: VideoCounters;
  private readonly countersTouched = new Set<number>();
  private counts = new Float64Array(DURATION_BUCKETS);
  private sums = new Float64Array(DURATION_BUCKETS);
  private readonly rowBases = new Map<string, Float32Array>();
  private projectionBase: Float32Array;
  private rankerBase: [Float64Array, Float64Array];
  /** Swing pair contributions, by the pair's lower slot, then the higher. */
  private pairs = new Map<number, Map<number, number>>();
  private pairCount = 0;

  constructor(
    private readonly halfLifeMs: number,
    private readonly parts: RecordedParts,
  ) {
    this.counters = new VideoCounters(halfLifeMs);
    this.projectionBase = parts.projection.slice();
    this.rankerBase = [parts.ranker[0].slice(), parts.ranker[1].slice()];
  }

  /** Videos and pairs the next delta holds an entry for (its counters, its row, its Swing pairs): what its size grows with, besides the people. */
  get itemEntries(): number {
    return this.countersTouched.size + this.rowBases.size + this.pairCount;
  }

  counter(slot: number, counter: (typeof COUNTERS)[number], amount: number, ts: number): void {
    this.counters.add(slot, counter, amount, ts);
    this.countersTouched.add(slot);
  }

  play(bucket: number, watchRatio: number): void {
    this.counts[bucket] = this.counts[bucket]! + 1;
    this.sums[bucket] = this.sums[bucket]! + watchRatio;
  }

  /** A video row is about to take a step: its value before the first step since the last delta is kept. */
  itemStep(videoId: string, row: Float32Array): void {
    if (!this.rowBases.has(videoId)) this.rowBases.set(videoId, row.slice());
  }

  pair(a: number, b: number, amount: number): void {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    let of = this.pairs.get(lo);
    if (of === undefined) this.pairs.set(lo, (of = new Map()));
    const before = of.get(hi);
    if (before === undefined) this.pairCount++;
    of.set(hi, (before ?? 0) + amount);
  }

  /** Another replica's increment of a video row: kept out of this replica's next delta. */
  remoteRow(videoId: string, increment: Float32Array): void {
    const base = this.rowBases.get(videoId);
    if (base !== undefined) for (let i = 0; i < base.length; i++) base[i] = base[i]! + increment[i]!;
  }

  remoteProjection(increment: Float32Array): void {
    addInto(this.projectionBase, increment);
  }

  remoteRanker(weights: Float64Array, squaredGradients: Float64Array): void {
    addInto(this.rankerBase[0], weights);
    addInto(this.rankerBase[1], squaredGradients);
  }

  /** The item-level delta since the last one, and the people it touched; starts the next one. */
  take(): { item: ItemDelta; people: string[] } {
    const { parts } = this;
    const counters = [...this.countersTouched].map((slot) => ({ videoId: parts.videoId(slot), ...this.counters.read(slot) }));
    const rows: ItemDelta['rows'] = [];
    for (const [videoId, base] of this.rowBases) {
      const now = parts.itemRow(videoId);
      if (now === undefined) continue;
      rows.push({ videoId, increment: now.vector.map((x, i) => x - base[i]!), value: now.vector.slice(), lastSeen: now.lastSeen });
    }
    const projection = difference(parts.projection, this.projectionBase);
    const weights = difference(parts.ranker[0], this.rankerBase[0]);
    const squaredGradients = difference(parts.ranker[1], this.rankerBase[1]);
    const swing: ItemDelta['swing'] = [];
    for (const [a, of] of this.pairs) for (const [b, amount] of of) swing.push({ a: parts.videoId(a), b: parts.videoId(b), amount });
    const item: ItemDelta = {
      events: this.events,
      clock: this.clock,
      counters,
      baseline: { counts: this.counts, sums: this.sums },
      rows,
      projection,
      ranker:
        weights === undefined && squaredGradients === undefined
          ? undefined
          : { weights: weights ?? new Float64Array(parts.ranker[0].length), squaredGradients: squaredGradients ?? new Float64Array(parts.ranker[1].length) },
      swing,
    };
    const people = [...this.people];
    this.events = 0;
    this.people.clear();
    this.counters = new VideoCounters(this.halfLifeMs);
    this.countersTouched.clear();
    this.counts = new Float64Array(DURATION_BUCKETS);
    this.sums = new Float64Array(DURATION_BUCKETS);
    this.rowBases.clear();
    this.projectionBase = parts.projection.slice();
    this.rankerBase = [parts.ranker[0].slice(), parts.ranker[1].slice()];
    this.pairs = new Map();
    this.pairCount = 0;
    return { item, people };
  }
}

function addInto(target: Float32Array | Float64Array, increment: ArrayLike<number>): void {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + increment[i]!;
}

/** now − base, or undefined when nothing moved. */
function difference<T extends Float32Array | Float64Array>(now: T, base: T): T | undefined {
  let moved = false;
  const out = now.slice() as T;
  for (let i = 0; i < out.length; i++) {
    out[i] = now[i]! - base[i]!;
    moved ||= out[i] !== 0;
  }
  return moved ? out : undefined;
}
