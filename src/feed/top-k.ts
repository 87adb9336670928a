/** The k items with the highest score, best first, in O(n log k) with a binary min-heap. */
export function topK<T>(items: Iterable<T>, k: number, score: (item: T) => number): T[] {
  const heap: { item: T; s: number }[] = [];
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  for (const item of items) {
    const s = score(item);
    if (heap.length < k) {
      heap.push({ item, s });
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (heap[parent]!.s <= heap[i]!.s) break;
        swap(i, parent);
        i = parent;
      }
    } else if (k > 0 && s > heap[0]!.s) {
      heap[0] = { item, s };
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]!.s < heap[m]!.s) m = l;
        if (r < heap.length && heap[r]!.s < heap[m]!.s) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort((a, b) => b.s - a.s).map((e) => e.item);
}
