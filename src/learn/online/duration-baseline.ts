/**
 * Mean watch ratio per duration bucket. Long videos are watched to a smaller fraction, so a play is judged
 * relative to the mean of its bucket: relative watch 1 is an ordinary play whatever the length.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';

/** Upper bounds of the buckets, in ms; the last bucket is open-ended. */
export const DURATION_BOUNDS_MS = [10_000, 20_000, 40_000, 60_000, 180_000] as const;
export const DURATION_BUCKETS = DURATION_BOUNDS_MS.length + 1;

const PRIOR_MEAN = 0.5;
/** The mean becomes an exponential average once a bucket has this many plays, so it follows drift. */
const MEMORY = 10_000;

export function durationBucket(durationMs: number): number {
  let b = 0;
  while (b < DURATION_BOUNDS_MS.length && durationMs > DURATION_BOUNDS_MS[b]!) b++;
  return b;
}

export class DurationBaseline {
  private means = new Float64Array(DURATION_BUCKETS).fill(PRIOR_MEAN);
  private counts = new Float64Array(DURATION_BUCKETS);

  /** Told of every observation while a model delta is being recorded. */
  onObserve: ((bucket: number, watchRatio: number) => void) | undefined;

  observe(durationMs: number, watchRatio: number): void {
    const b = durationBucket(durationMs);
    this.counts[b] = Math.min(this.counts[b]! + 1, MEMORY);
    this.means[b] = this.means[b]! + (watchRatio - this.means[b]!) / (this.counts[b]! + 1);
    this.onObserve?.(b, watchRatio);
  }

  /**
   * Adds another replica's plays: per bucket their count and the sum of their watch ratios. Below `MEMORY`
   * plays a bucket's mean is (prior + Σ ratios) / (plays + 1), so merged counts and sums give the mean of
   * every play; past it the mean is an exponential average and the merge an approximation of it.
   */
  merge(counts: ArrayLike<number>, sums: ArrayLike<number>): void {
    for (let b = 0; b < DURATION_BUCKETS; b++) {
      const k = counts[b]!;
      if (k === 0) continue;
      const n = this.counts[b]!;
      this.means[b] = (this.means[b]! * (n + 1) + sums[b]!) / (n + k + 1);
      this.counts[b] = Math.min(n + k, MEMORY);
    }
  }

  mean(durationMs: number): number {
    return this.means[durationBucket(durationMs)]!;
  }

  /** Watch ratio over its bucket's mean, capped so that replays of tiny clips stay bounded. */
  relative(durationMs: number, watchRatio: number): number {
    return Math.min(watchRatio / Math.max(this.mean(durationMs), 0.05), 4);
  }

  write(w: ByteWriter): void {
    w.array(this.means);
    w.array(this.counts);
  }

  static read(r: ByteReader): DurationBaseline {
    const baseline = new DurationBaseline();
    baseline.means = r.f64s();
    baseline.counts = r.f64s();
    return baseline;
  }
}
