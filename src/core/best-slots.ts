/**
 * The k best-scoring slots seen so far: a bounded binary min-heap on score, so a slot worse than all k costs one
 * comparison (`wouldTake`). Ties are ordered by slot.
 */
export class BestSlots {
  private readonly slots: Int32Array;
  private readonly scores: Float32Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.slots = new Int32Array(k);
    this.scores = new Float32Array(k);
  }

  wouldTake(score: number): boolean {
    return this.k > 0 && (this.size < this.k || score > this.scores[0]!);
  }

  /** Adds a slot that `wouldTake` accepted. */
  push(slot: number, score: number): void {
    if (this.size < this.k) {
      let at = this.size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (this.scores[parent]! <= score) break;
        this.scores[at] = this.scores[parent]!;
        this.slots[at] = this.slots[parent]!;
        at = parent;
      }
      this.scores[at] = score;
      this.slots[at] = slot;
      return;
    }
    let at = 0;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= this.size) break;
      const c = l + 1 < this.size && this.scores[l + 1]! < this.scores[l]! ? l + 1 : l;
      if (this.scores[c]! >= score) break;
      this.scores[at] = this.scores[c]!;
      this.slots[at] = this.slots[c]!;
      at = c;
    }
    this.scores[at] = score;
    this.slots[at] = slot;
  }

  sorted(): { slot: number; similarity: number }[] {
    return Array.from({ length: this.size }, (_, i) => ({ slot: this.slots[i]!, similarity: this.scores[i]! })).sort(
      (a, b) => b.similarity - a.similarity || a.slot - b.slot,
    );
  }
}
