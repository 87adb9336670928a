/**
 * Item-to-item co-engagement by Swing (Yang et al., Alibaba 2020), maintained incrementally.
 *
 * Swing scores a pair of items by the pairs of users who both engaged with both:
 *   sim(i, j) = Σ_{u,v ∈ U(i) ∩ U(j)} w_u · w_v / (alpha + |I(u) ∩ I(v)|),   w_u = (|I(u)| + 1)^-½
 * so two people who share everything (bots, one household) count little, and two people whose only common
 * ground is this pair count a lot. Online, when person u engages with item j, every recent engager v of j is
 * paired with u: each item i they already share gains the pair's contribution towards j (and j towards i).
 * The contribution uses the overlap as it stands then (earlier contributions are not re-weighted later),
 * and I(u), U(j) are bounded windows of recent positives and recent engagers. Memory is bounded by keeping
 * the top `neighboursPerItem` per item.
 *
 * Each person's positives are kept further back than Swing's window (`positivesPerUser`): the item graph
 * (src/learn/retrained/) is trained on them and scores a person by them, and it ranks better on everything a
 * person engaged with than on their last few videos.
 */
import type { PersonReader, PersonWriter } from './person-bytes.ts';
import { NeighbourList } from './neighbour-list.ts';
import { ROWS_PER_YIELD, type Encoding } from './encoding.ts';
import { runAll } from '../../core/slices.ts';
import { CopyOnWrite, entriesNow } from './copy-on-write.ts';

/** What a snapshot of Swing holds. */
interface SwingView {
  positives: { keys: string[]; values: (readonly number[])[] };
  engagers: readonly (readonly string[] | undefined)[];
  neighbourLists: readonly (NeighbourList | undefined)[];
}

export interface SwingOptions {
  alpha: number;
  /** Swing's window I(u): the person's latest positives that pair and score. */
  recentPositivesPerUser: number;
  /** Positives kept per person (at least the window), oldest dropped first. */
  positivesPerUser: number;
  recentUsersPerItem: number;
  neighboursPerItem: number;
}

export class Swing {
  /** Person → slots of kept positives, oldest first (Swing reads the last `recentPositivesPerUser`). */
  private readonly positives = new Map<string, number[]>();
  /** Slot → people who recently engaged with it, oldest first. */
  private engagers: (string[] | undefined)[] = [];
  private neighbourLists: (NeighbourList | undefined)[] = [];
  /** Scratch membership marks by slot, stamped with `epoch`, so intersections allocate nothing. */
  private marks = new Int32Array(1024);
  private epoch = 0;
  /** The item lists as a snapshot being encoded froze them: a list it shares is copied before it changes. */
  private frozen: SwingView | undefined;
  /** While a snapshot is frozen, a person's positives it may share are copied before they change. */
  private readonly copies = new CopyOnWrite<string>();

  /** Told of every pair contribution while a model delta is being recorded. */
  onPair: ((a: number, b: number, amount: number) => void) | undefined;

  constructor(private readonly options: SwingOptions) {}

  get users(): number {
    return this.positives.size;
  }

  /** The person's latest positives, Swing's window (a copy when older ones are kept). */
  recentPositives(userId: string): readonly number[] {
    const mine = this.positives.get(userId) ?? [];
    return mine.length <= this.options.recentPositivesPerUser ? mine : mine.slice(-this.options.recentPositivesPerUser);
  }

  /** Every positive kept for the person, oldest first (a live view). */
  keptPositives(userId: string): readonly number[] {
    return this.positives.get(userId) ?? [];
  }

  /** Every person's kept positives (`recent`: their windows), for the models retrained from everyone's engagements at once. */
  *everyonesPositives(recent: boolean): IterableIterator<readonly number[]> {
    const window = this.options.recentPositivesPerUser;
    for (const mine of this.positives.values()) yield recent && mine.length > window ? mine.slice(-window) : mine;
  }

  neighbours(slot: number): NeighbourList | undefined {
    return this.neighbourLists[slot];
  }

  addPositive(userId: string, slot: number): void {
    let mine = this.positives.get(userId);
    if (mine === undefined || this.copies.mustCopy(userId)) {
      mine = mine?.slice() ?? [];
      this.positives.set(userId, mine);
    }
    const already = mine.indexOf(slot);
    if (already >= 0) {
      const inWindow = already >= mine.length - this.options.recentPositivesPerUser;
      mine.splice(already, 1);
      // Already counted within the window: only its recency changes. One older than the window pairs anew.
      if (inWindow) {
        mine.push(slot);
        return;
      }
    }
    this.pairWithEngagers(userId, this.recentPositives(userId), slot);
    mine.push(slot);
    if (mine.length > Math.max(this.options.positivesPerUser, this.options.recentPositivesPerUser)) mine.shift();
    let engagers = this.engagers[slot];
    if (engagers === undefined || this.frozen?.engagers[slot] === engagers) {
      engagers = engagers?.slice() ?? [];
      this.engagers[slot] = engagers;
    }
    engagers.push(userId);
    if (engagers.length > this.options.recentUsersPerItem) engagers.shift();
  }

  private pairWithEngagers(userId: string, mine: readonly number[], slot: number): void {
    const engagers = this.engagers[slot];
    if (engagers === undefined || mine.length === 0) return;
    const { alpha } = this.options;
    const stamp = this.stamp(mine);
    const weightU = 1 / Math.sqrt(mine.length + 2);
    const shared: number[] = [];
    for (const other of engagers) {
      if (other === userId) continue;
      const theirs = this.positives.get(other);
      if (theirs === undefined) continue;
      // Their window, read in place: this runs for every engager of every positive learned.
      const from = Math.max(0, theirs.length - this.options.recentPositivesPerUser);
      shared.length = 0;
      for (let k = from; k < theirs.length; k++) if (theirs[k] !== slot && this.marks[theirs[k]!] === stamp) shared.push(theirs[k]!);
      if (shared.length === 0) continue;
      // The pair shares `shared` plus this slot.
      const contribution = weightU / Math.sqrt(theirs.length - from + 1) / (alpha + shared.length + 1);
      for (const s of shared) {
        this.addPair(slot, s, contribution);
        this.onPair?.(slot, s, contribution);
      }
    }
  }

  /** Adds a pair's contribution to both items' neighbour lists (another replica's, too). */
  addPair(a: number, b: number, amount: number): void {
    const keep = this.options.neighboursPerItem;
    this.neighboursToChange(a).add(b, amount, keep);
    this.neighboursToChange(b).add(a, amount, keep);
  }

  private neighboursToChange(slot: number): NeighbourList {
    let list = this.neighbourLists[slot];
    if (list === undefined || this.frozen?.neighbourLists[slot] === list) {
      list = list?.copy() ?? new NeighbourList();
      this.neighbourLists[slot] = list;
    }
    return list;
  }

  /** Replaces a person's recent positives (another replica's copy of them); item windows are left alone. */
  setPositives(userId: string, slots: number[]): void {
    if (slots.length === 0) this.positives.delete(userId);
    else this.positives.set(userId, slots);
  }

  /** Marks the given slots; `isMarked` answers for them until the next stamp. */
  stamp(slots: readonly number[]): number {
    this.epoch = (this.epoch + 1) | 0;
    for (const s of slots) {
      if (s >= this.marks.length) {
        const grown = new Int32Array(Math.max(this.marks.length * 2, s + 1));
        grown.set(this.marks);
        this.marks = grown;
      }
      this.marks[s] = this.epoch;
    }
    return this.epoch;
  }

  isMarked(slot: number, stamp: number): boolean {
    return slot < this.marks.length && this.marks[slot] === stamp;
  }

  /**
   * Co-engagement of a candidate with a person's recent positives (marked with `stamp`): the sum of its
   * Swing scores towards them, read from the candidate's own neighbour list.
   */
  scoreAgainst(slot: number, stamp: number): number {
    const list = this.neighbourLists[slot];
    if (list === undefined) return 0;
    let sum = 0;
    for (let i = 0; i < list.size; i++) if (this.isMarked(list.slots[i]!, stamp)) sum += list.scores[i]!;
    return sum;
  }

  /** Removes the person's recent positives and their name from every item's engager window. */
  forgetUser(userId: string): void {
    const mine = this.positives.get(userId);
    if (mine === undefined) return;
    this.positives.delete(userId);
    for (const slot of mine) {
      const engagers = this.engagers[slot];
      if (engagers === undefined) continue;
      const kept = engagers.filter((u) => u !== userId);
      this.engagers[slot] = kept.length === 0 ? undefined : kept;
    }
  }

  /** Recent positives and each item's recent engagers name people: they go where `out` puts each person. */
  write(out: PersonWriter): void {
    runAll(encodeSwing({ positives: entriesNow(this.positives), engagers: this.engagers, neighbourLists: this.neighbourLists }, out));
  }

  /** The state as it is now, to encode later; until `thaw`, a list is copied before it changes. */
  freeze(): (out: PersonWriter) => Encoding {
    const frozen = { positives: this.copies.freeze(this.positives), engagers: this.engagers.slice(), neighbourLists: this.neighbourLists.slice() };
    this.frozen = frozen;
    return (out) => encodeSwing(frozen, out);
  }

  thaw(): void {
    this.frozen = undefined;
    this.copies.thaw();
  }

  static read(input: PersonReader, options: SwingOptions): Swing {
    const r = input.shared;
    const swing = new Swing(options);
    const users = r.u32();
    for (let i = 0; i < users; i++) {
      const p = input.next();
      swing.positives.set(p.str(), Array.from(p.i32s()));
    }
    swing.engagers = Array.from({ length: r.u32() }, () => {
      const list = Array.from({ length: r.u32() }, () => input.next().str());
      return list.length === 0 ? undefined : list;
    });
    swing.neighbourLists = Array.from({ length: r.u32() }, () => (r.u8() === 0 ? undefined : NeighbourList.read(r)));
    return swing;
  }
}

function* encodeSwing(swing: SwingView, out: PersonWriter): Encoding {
  const w = out.shared;
  const { keys, values } = swing.positives;
  w.u32(keys.length);
  let rows = 0;
  for (let i = 0; i < keys.length; i++) {
    const p = out.of(keys[i]!);
    p.str(keys[i]!);
    p.array(Int32Array.from(values[i]!));
    if (++rows % ROWS_PER_YIELD === 0) yield;
  }
  w.u32(swing.engagers.length);
  for (const list of swing.engagers) {
    w.u32(list?.length ?? 0);
    for (const userId of list ?? []) out.of(userId).str(userId);
    if (++rows % ROWS_PER_YIELD === 0) yield;
  }
  w.u32(swing.neighbourLists.length);
  for (const list of swing.neighbourLists) {
    w.u8(list === undefined ? 0 : 1);
    list?.write(w);
    if (++rows % ROWS_PER_YIELD === 0) yield;
  }
}
