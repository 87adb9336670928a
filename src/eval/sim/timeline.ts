/**
 * What is due next in a simulation: a binary min-heap on time, ties in the order they were scheduled, so
 * overlapping sessions interleave as they would on a real platform and a seed always gives the same order.
 */
export class Timeline<T> {
  private readonly heap: { at: number; order: number; item: T }[] = [];
  private scheduled = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Time of the next item; Infinity when nothing is due. */
  get nextAt(): number {
    return this.heap[0]?.at ?? Infinity;
  }

  schedule(at: number, item: T): void {
    const heap = this.heap;
    heap.push({ at, order: this.scheduled++, item });
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest item and its time; undefined when nothing is due. */
  next(): { at: number; item: T } | undefined {
    const heap = this.heap;
    const first = heap[0];
    if (first === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        let m = i;
        if (l < heap.length && this.before(l, m)) m = l;
        if (l + 1 < heap.length && this.before(l + 1, m)) m = l + 1;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return { at: first.at, item: first.item };
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }
}
