/**
 * Time-decayed counters per video slot (exposures, plays, relative watch, likes, ...), in one Float64Array:
 * the popularity and rate features of the ranker. Decay is applied lazily when a slot is touched.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';
import { decay } from './decay.ts';
import type { Encoding } from './encoding.ts';
import { FrozenPages } from './frozen-pages.ts';
import { allFinite } from '../../core/float32.ts';

export const COUNTERS = ['exposures', 'plays', 'relativeWatch', 'likes', 'shares', 'comments', 'follows', 'skips', 'rejections'] as const;
export type Counter = (typeof COUNTERS)[number];
const INDEX = Object.fromEntries(COUNTERS.map((name, i) => [name, i])) as Record<Counter, number>;
/** The counters plus the time they were last decayed to. */
const STRIDE = COUNTERS.length + 1;
const TS = COUNTERS.length;

export class VideoCounters {
  private data = new Float64Array(1024 * STRIDE);
  private slots = 0;
  private readonly frozen = new FrozenPages<Float64Array>();

  /** Told of every `add` while a model delta is being recorded (see model-delta-recorder.ts). */
  onAdd: ((slot: number, counter: Counter, amount: number, ts: number) => void) | undefined;

  /**
   * Whether an add older than the slot's time is decayed by its age. One process learning the log in order
   * never sees one (event times go forward); a learner shard does, when another shard's delta has already
   * moved the slot past the time of the event it learns now.
   */
  decayLateAdds = false;

  constructor(private readonly halfLifeMs: number) {}

  add(slot: number, counter: Counter, amount: number, ts: number): void {
    const late = this.decayLateAdds && slot < this.slots ? this.data[slot * STRIDE + TS]! - ts : 0;
    const o = this.decayTo(slot, ts);
    this.data[o + INDEX[counter]] = this.data[o + INDEX[counter]]! + (late > 0 ? amount * decay(late, this.halfLifeMs) : amount);
    this.onAdd?.(slot, counter, amount, ts);
  }

  /**
   * Adds another replica's increments, each counter's sum decayed to `ts` (in `COUNTERS` order). Decay is
   * linear, so the increments land as if their events had been added here: an older `ts` is decayed to this
   * slot's time first, a newer one decays this slot to it.
   */
  addDecayed(slot: number, values: ArrayLike<number>, ts: number): void {
    const last = slot < this.slots ? this.data[slot * STRIDE + TS]! : 0;
    const f = ts < last ? decay(last - ts, this.halfLifeMs) : 1;
    const o = this.decayTo(slot, ts);
    for (let i = 0; i < COUNTERS.length; i++) this.data[o + i] = this.data[o + i]! + f * values[i]!;
  }

  /** The slot's counters in `COUNTERS` order and the time they are decayed to. */
  /** Whether every counter is finite. */
  holdsFiniteOnly(): boolean {
    return allFinite(this.data);
  }

  read(slot: number): { values: Float64Array; ts: number } {
    const o = slot * STRIDE;
    return { values: this.data.slice(o, o + COUNTERS.length), ts: this.data[o + TS]! };
  }

  /** The counter's value as of its last update (reading does not decay, so scoring never writes). */
  get(slot: number, counter: Counter): number {
    return slot < this.slots ? this.data[slot * STRIDE + INDEX[counter]]! : 0;
  }

  /** What a slot's counters must be multiplied by to read them as of `now` (reading never writes). */
  decayFactor(slot: number, now: number): number {
    const last = slot < this.slots ? this.data[slot * STRIDE + TS]! : 0;
    return now > last && last > 0 ? decay(now - last, this.halfLifeMs) : 1;
  }

  /** Slots that have seen any event. */
  get touched(): number {
    return this.slots;
  }

  private decayTo(slot: number, ts: number): number {
    if (slot >= this.slots) this.extend(slot + 1);
    const o = slot * STRIDE;
    // Every change to a slot goes through here: a frozen snapshot keeps the slot's values first.
    this.frozen.beforeChange(this.data, o, o + STRIDE);
    const last = this.data[o + TS]!;
    if (ts > last) {
      if (last > 0) {
        const f = decay(ts - last, this.halfLifeMs);
        for (let i = 0; i < COUNTERS.length; i++) this.data[o + i] = this.data[o + i]! * f;
      }
      this.data[o + TS] = ts;
    }
    return o;
  }

  private extend(slots: number): void {
    if (slots * STRIDE > this.data.length) {
      const grown = new Float64Array(Math.max(this.data.length * 2, slots * STRIDE));
      grown.set(this.data);
      this.data = grown;
    }
    this.slots = slots;
  }

  write(w: ByteWriter): void {
    w.u32(this.slots);
    w.array(this.data, this.slots * STRIDE);
  }

  /** The counters as they are now, to encode later into the same bytes as `write`; until `thaw`, a page of them is copied before it changes. */
  freeze(): (w: ByteWriter) => Encoding {
    const slots = this.slots;
    const data = this.frozen.freeze(this.data, slots * STRIDE);
    return function* (w) {
      w.u32(slots);
      yield* data(w);
    };
  }

  thaw(): void {
    this.frozen.thaw();
  }

  static read(r: ByteReader, halfLifeMs: number): VideoCounters {
    const counters = new VideoCounters(halfLifeMs);
    counters.slots = r.u32();
    counters.data = r.f64s(Math.max(1024, counters.slots) * STRIDE);
    return counters;
  }
}
