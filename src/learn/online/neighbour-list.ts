/**
 * An item's co-engagement neighbours: slots and scores in two small typed arrays, searched linearly (short
 * lists beat a Map here), and cut back to the best `keep` whenever they reach twice that.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';

export class NeighbourList {
  slots = new Int32Array(4);
  scores = new Float32Array(4);
  size = 0;

  add(slot: number, amount: number, keep: number): void {
    for (let i = 0; i < this.size; i++) {
      if (this.slots[i] === slot) {
        this.scores[i] = this.scores[i]! + amount;
        return;
      }
    }
    if (this.size === this.slots.length) {
      if (this.size >= 2 * keep) this.prune(keep);
      else this.grow(Math.min(this.slots.length * 2, 2 * keep));
    }
    this.slots[this.size] = slot;
    this.scores[this.size] = amount;
    this.size++;
  }

  /** A copy with arrays of its own. */
  copy(): NeighbourList {
    const copy = new NeighbourList();
    copy.slots = this.slots.slice();
    copy.scores = this.scores.slice();
    copy.size = this.size;
    return copy;
  }

  score(slot: number): number {
    for (let i = 0; i < this.size; i++) if (this.slots[i] === slot) return this.scores[i]!;
    return 0;
  }

  /** Keeps the `keep` best; ties go to the lower slot so the result never depends on arrival order. */
  private prune(keep: number): void {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.scores[b]! - this.scores[a]! || this.slots[a]! - this.slots[b]!);
    const slots = new Int32Array(this.slots.length);
    const scores = new Float32Array(this.scores.length);
    for (let i = 0; i < keep; i++) {
      slots[i] = this.slots[order[i]!]!;
      scores[i] = this.scores[order[i]!]!;
    }
    this.slots = slots;
    this.scores = scores;
    this.size = keep;
  }

  private grow(capacity: number): void {
    const slots = new Int32Array(capacity);
    slots.set(this.slots);
    const scores = new Float32Array(capacity);
    scores.set(this.scores);
    this.slots = slots;
    this.scores = scores;
  }

  write(w: ByteWriter): void {
    w.u32(this.slots.length);
    w.u32(this.size);
    w.array(this.slots, this.size);
    w.array(this.scores, this.size);
  }

  static read(r: ByteReader): NeighbourList {
    const list = new NeighbourList();
    const capacity = r.u32();
    list.size = r.u32();
    list.slots = r.i32s(capacity);
    list.scores = r.f32(capacity);
    return list;
  }
}
