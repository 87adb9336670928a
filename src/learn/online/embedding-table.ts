/**
 * A collisionless embedding table in the manner of ByteDance's Monolith: every id has its own row in one
 * growing Float32Array arena (no hashing into shared buckets), an id gets a row only after it has occurred
 * `admitAfter` times (one-off ids never cost a row), and ids unseen for `ttlMs` are evicted, their rows zeroed
 * and recycled through a free list.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';
import type { PersonReader, PersonWriter } from './person-bytes.ts';
import { ROWS_PER_YIELD, type Encoding } from './encoding.ts';
import { runAll } from '../../core/slices.ts';
import { entriesNow } from './copy-on-write.ts';
import { allFloat32 } from '../../core/float32.ts';

export interface TableOptions {
  admitAfter: number;
  ttlMs: number;
}

/** Replaced, never changed in place: a frozen copy of the table shares them. */
interface Pending {
  readonly count: number;
  readonly lastSeen: number;
}

/** What a snapshot of the table holds. */
interface TableView {
  width: number;
  ids: readonly (string | undefined)[];
  free: readonly number[];
  data: Float32Array;
  lastSeen: Float64Array;
  /** Admitted ids in the map's order, which decides eviction order. */
  admitted: Iterable<string>;
  pending: { keys: string[]; values: Pending[] };
}

export class EmbeddingTable {
  private readonly rows = new Map<string, number>();
  /** Row → id; undefined for a free row. */
  private ids: (string | undefined)[] = [];
  private free: number[] = [];
  private readonly pending = new Map<string, Pending>();
  private data: Float32Array;
  private lastSeen: Float64Array;

  constructor(
    /** Floats per row. */
    readonly width: number,
    private readonly options: TableOptions,
  ) {
    this.data = new Float32Array(64 * width);
    this.lastSeen = new Float64Array(64);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Ids counted but not yet admitted. */
  get pendingSize(): number {
    return this.pending.size;
  }

  /** Bytes held by the arena (rows in use, free rows and spare capacity). */
  get arenaBytes(): number {
    return this.data.byteLength + this.lastSeen.byteLength;
  }

  row(id: string): number | undefined {
    return this.rows.get(id);
  }

  has(id: string): boolean {
    return this.rows.has(id) || this.pending.has(id);
  }

  /**
   * The dot product of the row's first `length` floats with `query`'s, plus the row's float at `length` (a bias):
   * a score read straight from the arena, without the view `vector` makes (a feed scores hundreds of rows).
   */
  dotPlusBias(row: number, query: Float32Array, length: number): number {
    return dotPlusBiasAt(query, this.data, row * this.width, length);
  }

  /** The row's floats, shared with the arena: writes go straight into the table. */
  vector(row: number): Float32Array {
    return this.data.subarray(row * this.width, (row + 1) * this.width);
  }

  /** Adds an increment (as long as a row) to a row's values. */
  addTo(row: number, increment: Float32Array): void {
    const values = this.vector(row);
    for (let i = 0; i < values.length; i++) values[i] = values[i]! + increment[i]!;
  }

  lastSeenOf(row: number): number {
    return this.lastSeen[row]!;
  }

  /** `touch` for an id that already has a row (the common case, with no `init` to allocate); undefined otherwise. */
  touchIfAdmitted(id: string, ts: number): number | undefined {
    const existing = this.rows.get(id);
    if (existing !== undefined && ts > this.lastSeen[existing]!) this.lastSeen[existing] = ts;
    return existing;
  }

  /**
   * Counts one occurrence of `id` at `ts`. Returns its row once admitted (`init` fills a new row), or
   * undefined while the id is still below the admission threshold.
   */
  touch(id: string, ts: number, init: (row: Float32Array) => void): number | undefined {
    const existing = this.touchIfAdmitted(id, ts);
    if (existing !== undefined) return existing;
    const before = this.pending.get(id);
    const seen = { count: (before?.count ?? 0) + 1, lastSeen: Math.max(before?.lastSeen ?? ts, ts) };
    this.pending.set(id, seen);
    if (seen.count < this.options.admitAfter) return undefined;
    this.pending.delete(id);
    const row = this.allocate(id);
    this.lastSeen[row] = seen.lastSeen;
    init(this.vector(row));
    return row;
  }

  private allocate(id: string): number {
    let row = this.free.pop();
    if (row === undefined) {
      row = this.ids.length;
      this.ids.push(undefined);
      if (row >= this.lastSeen.length) this.grow();
    }
    this.ids[row] = id;
    this.rows.set(id, row);
    return row;
  }

  private grow(): void {
    const data = new Float32Array(this.data.length * 2);
    data.set(this.data);
    this.data = data;
    const lastSeen = new Float64Array(this.lastSeen.length * 2);
    lastSeen.set(this.lastSeen);
    this.lastSeen = lastSeen;
  }

  /** Removes an id, admitted or pending; its row is zeroed so nothing of it survives in the arena. */
  delete(id: string): boolean {
    const pending = this.pending.delete(id);
    const row = this.rows.get(id);
    if (row === undefined) return pending;
    this.rows.delete(id);
    this.ids[row] = undefined;
    this.data.fill(0, row * this.width, (row + 1) * this.width);
    this.lastSeen[row] = 0;
    this.free.push(row);
    return true;
  }

  /** Evicts every id, admitted or pending, last seen before `now - ttlMs`. Returns the ids evicted. */
  evict(now: number): string[] {
    const cutoff = now - this.options.ttlMs;
    const evicted: string[] = [];
    for (const [id, row] of this.rows) if (this.lastSeen[row]! < cutoff) evicted.push(id);
    for (const [id, seen] of this.pending) if (seen.lastSeen < cutoff) evicted.push(id);
    for (const id of evicted) this.delete(id);
    return evicted;
  }

  /** A row for `id` now, admitted or not (a replica taking another's row); its floats are left to the caller. */
  admit(id: string, ts: number): number {
    const existing = this.touchIfAdmitted(id, ts);
    if (existing !== undefined) return existing;
    this.pending.delete(id);
    const row = this.allocate(id);
    this.lastSeen[row] = ts;
    return row;
  }

  /** Whether every row holds float32-finite numbers only. */
  holdsFiniteOnly(): boolean {
    return allFloat32(this.data);
  }

  /** One id's entry, whatever it is (none, pending, admitted), for a model delta. */
  writeEntry(id: string, w: ByteWriter): void {
    const row = this.rows.get(id);
    const pending = this.pending.get(id);
    if (row !== undefined) {
      w.u8(2);
      w.array(this.vector(row));
      w.f64(this.lastSeen[row]!);
    } else if (pending !== undefined) {
      w.u8(1);
      w.u32(pending.count);
      w.f64(pending.lastSeen);
    } else w.u8(0);
  }

  /** Replaces one id's entry with what `writeEntry` wrote. */
  readEntry(id: string, r: ByteReader): void {
    const kind = r.u8();
    if (kind === 2) {
      const vector = r.f32();
      const lastSeen = r.f64();
      const row = this.admit(id, lastSeen);
      this.vector(row).set(vector.subarray(0, this.width));
      this.lastSeen[row] = lastSeen;
      return;
    }
    this.delete(id);
    if (kind === 1) this.pending.set(id, { count: r.u32(), lastSeen: r.f64() });
  }

  /** Every admitted id with its row, in admission order. */
  entries(): IterableIterator<[string, number]> {
    return this.rows.entries();
  }

  /**
   * Item-level layout in `out.shared` (row count, free rows, how many ids), each id's row and last sighting
   * where `out.of(id)` says: for the people's table, their region's part.
   */
  write(out: PersonWriter): void {
    const { width, ids, free, data, lastSeen, pending } = this;
    runAll(encodeTable({ width, ids, free, data, lastSeen, admitted: this.rows.keys(), pending: entriesNow(pending) }, out));
  }

  /** The table as it is now, to encode later: its arrays copied, pending entries shared (they are replaced, not changed). */
  freeze(): (out: PersonWriter) => Encoding {
    const view: TableView = {
      width: this.width,
      ids: this.ids.slice(),
      free: this.free.slice(),
      data: this.data.slice(0, this.ids.length * this.width),
      lastSeen: this.lastSeen.slice(0, this.ids.length),
      admitted: [...this.rows.keys()],
      pending: entriesNow(this.pending),
    };
    return (out) => encodeTable(view, out);
  }

  static read(input: PersonReader, width: number, options: TableOptions): EmbeddingTable {
    const r = input.shared;
    const table = new EmbeddingTable(width, options);
    const count = r.u32();
    table.free = Array.from(r.i32s());
    const capacity = Math.max(64, count);
    table.data = new Float32Array(capacity * width);
    table.lastSeen = new Float64Array(capacity);
    table.ids = new Array<string | undefined>(count).fill(undefined);
    const free = new Set(table.free);
    const rowOf = new Map<string, number>();
    for (let row = 0; row < count; row++) {
      if (free.has(row)) continue;
      const p = input.next();
      const id = p.str();
      table.ids[row] = id;
      rowOf.set(id, row);
      table.data.set(p.f32(), row * width);
      table.lastSeen[row] = p.f64();
    }
    for (let n = r.u32(); n > 0; n--) {
      const id = input.next().str();
      table.rows.set(id, rowOf.get(id)!);
    }
    for (let n = r.u32(); n > 0; n--) {
      const p = input.next();
      table.pending.set(p.str(), { count: p.u32(), lastSeen: p.f64() });
    }
    return table;
  }
}

function* encodeTable(table: TableView, out: PersonWriter): Encoding {
  const { width, ids, data, lastSeen } = table;
  const w = out.shared;
  w.u32(ids.length);
  w.array(Int32Array.from(table.free));
  let rows = 0;
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row];
    if (id === undefined) continue;
    const p = out.of(id);
    p.str(id);
    p.array(data.subarray(row * width, (row + 1) * width));
    p.f64(lastSeen[row]!);
    if (++rows % ROWS_PER_YIELD === 0) yield;
  }
  const admitted = [...table.admitted];
  w.u32(admitted.length);
  for (const id of admitted) {
    out.of(id).str(id);
    if (++rows % ROWS_PER_YIELD === 0) yield;
  }
  const { keys, values } = table.pending;
  w.u32(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const p = out.of(keys[i]!);
    p.str(keys[i]!);
    p.u32(values[i]!.count);
    p.f64(values[i]!.lastSeen);
    if (++rows % ROWS_PER_YIELD === 0) yield;
  }
}

/** `query`'s first `length` floats · `data`'s from `at`, plus `data`'s float just after them (a bias). */
export function dotPlusBiasAt(query: Float32Array, data: Float32Array, at: number, length: number): number {
  let dot = data[at + length]!;
  for (let i = 0; i < length; i++) dot += query[i]! * data[at + i]!;
  return dot;
}
