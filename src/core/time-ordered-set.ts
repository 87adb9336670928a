/**
 * Ids ordered by a time (ties by id), read newest first without sorting anything per read. Uploads mostly
 * come newest last, so adding one is a binary search and a short splice near the end; what lands far from the
 * end (a bulk load in any order) waits unsorted and is merged in once, at the next read. A deleted or moved
 * id leaves its old entry behind, skipped when read and dropped once they make up half the entries.
 */
interface Entry {
  readonly id: string;
  readonly at: number;
}

/** Entries this close to the end are spliced in at once; farther ones wait for the next read. */
const NEAR_END = 1024;

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.id < b.id);

export class TimeOrderedSet {
  /** Oldest first; some entries may be stale (their id deleted or moved since). */
  private sorted: Entry[] = [];
  private waiting: Entry[] = [];
  /** Each id's live entry: an entry is live only while it is the one held here. */
  private readonly live = new Map<string, Entry>();
  private stale = 0;

  get size(): number {
    return this.live.size;
  }

  has(id: string): boolean {
    return this.live.has(id);
  }

  /** Adds `id` at time `at`, or moves it there. */
  set(id: string, at: number): void {
    const current = this.live.get(id);
    if (current?.at === at) return;
    if (current !== undefined) this.stale++;
    const entry = { id, at };
    this.live.set(id, entry);
    const position = this.positionOf(entry);
    if (this.sorted.length - position <= NEAR_END) this.sorted.splice(position, 0, entry);
    else this.waiting.push(entry);
  }

  delete(id: string): void {
    if (this.live.delete(id)) this.stale++;
  }

  /** The ids, newest first, with their times; nothing may be set or deleted while reading. */
  *newestFirst(): Generator<Entry> {
    this.settle();
    for (let i = this.sorted.length - 1; i >= 0; i--) {
      const entry = this.sorted[i]!;
      if (this.live.get(entry.id) === entry) yield entry;
    }
  }

  /** Merges the waiting entries in, and drops the stale ones once they are half of all. */
  private settle(): void {
    if (this.waiting.length === 0 && this.stale * 2 <= this.sorted.length) return;
    const isLive = (entry: Entry) => this.live.get(entry.id) === entry;
    const waiting = this.waiting.filter(isLive).sort((a, b) => (before(a, b) ? -1 : 1));
    const merged: Entry[] = [];
    let w = 0;
    for (const entry of this.sorted) {
      if (!isLive(entry)) continue;
      while (w < waiting.length && before(waiting[w]!, entry)) merged.push(waiting[w++]!);
      merged.push(entry);
    }
    merged.push(...waiting.slice(w));
    this.sorted = merged;
    this.waiting = [];
    this.stale = 0;
  }

  /** The first position in `sorted` whose entry does not come before `entry`. */
  private positionOf(entry: Entry): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(this.sorted[middle]!, entry)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
