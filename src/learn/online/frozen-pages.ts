/**
 * A typed array frozen for a snapshot without copying it whole (see encoding.ts): copying the catalog's content
 * vectors and the counters held the freeze's one turn for milliseconds per hundred thousand videos. Until `thaw`,
 * its owner calls `beforeChange` before writing to it, and the page about to change is copied once, so the
 * encoding, a page at a time, reads each page as it was at the freeze.
 */
import type { ByteWriter } from './bytes.ts';
import type { Encoding } from './encoding.ts';

/** Elements per page: a page copied before a change costs microseconds. */
const PAGE_SHIFT = 12;
/** Pages encoded between yields (a yield every few hundred kilobytes). */
const PAGES_PER_YIELD = 16;

type NumberArray = Float32Array | Float64Array;

export class FrozenPages<A extends NumberArray> {
  /** The array as frozen and how much of it the snapshot holds; undefined when nothing is frozen. */
  private frozen: { array: A; length: number; saved: Map<number, A>; encodedPages: number } | undefined;

  /**
   * Freezes the first `length` elements of `array`: the encoder writes them as `ByteWriter.array` does (the count,
   * then the bytes), a few pages a step, each as it was now.
   */
  freeze(array: A, length: number): (w: ByteWriter) => Encoding {
    const frozen = { array, length, saved: new Map<number, A>(), encodedPages: 0 };
    this.frozen = frozen;
    return function* (w) {
      w.u32(length);
      for (let page = 0; page << PAGE_SHIFT < length; page++) {
        const values = frozen.saved.get(page) ?? array.subarray(page << PAGE_SHIFT, Math.min((page + 1) << PAGE_SHIFT, length));
        w.append(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
        frozen.encodedPages = page + 1;
        if ((page + 1) % PAGES_PER_YIELD === 0) yield;
      }
    };
  }

  /**
   * `array[from, to)` is about to change: the frozen pages it covers that are not encoded yet are copied first.
   * An array other than the frozen one (none frozen, or the owner replaced it when it grew) needs nothing: the
   * frozen array no longer changes.
   */
  beforeChange(array: A, from: number, to: number): void {
    const frozen = this.frozen;
    if (frozen === undefined || array !== frozen.array) return;
    const last = (Math.min(to, frozen.length) - 1) >> PAGE_SHIFT;
    for (let page = Math.max(from >> PAGE_SHIFT, frozen.encodedPages); page <= last; page++) {
      if (!frozen.saved.has(page)) frozen.saved.set(page, array.slice(page << PAGE_SHIFT, Math.min((page + 1) << PAGE_SHIFT, frozen.length)) as A);
    }
  }

  thaw(): void {
    this.frozen = undefined;
  }
}
