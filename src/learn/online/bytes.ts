/** Little-endian binary encoding for snapshots: a writer that grows by chunks and a bounds-checked reader. */
import { endianness } from 'node:os';
import { MoteurError } from '../../core/errors.ts';
import type { Interned } from '../../core/interned.ts';

// Typed arrays are copied as raw bytes; that is only portable between little-endian machines.
if (endianness() !== 'LE') throw new MoteurError('unsupported_platform', 'learner snapshots need a little-endian machine');

const encoder = new TextEncoder();

/** The largest chunk a writer adds: past it, a growing writer adds chunks of this size instead of doubling. */
const MAX_CHUNK_BYTES = 8 << 20;

/**
 * Bytes written into chunks: a full chunk is kept as it is and the next one started, so a writer of hundreds of
 * megabytes (a snapshot) is never copied into a buffer twice its size, a copy that held the event loop for tens
 * of milliseconds at each doubling.
 */
export class ByteWriter {
  /** The chunks filled before the current one. */
  private readonly full: Uint8Array[] = [];
  private fullBytes = 0;
  private bytes: Uint8Array;
  private view: DataView;
  private at = 0;

  /** `capacity`: the bytes expected, so that a writer whose size is known is one chunk (and `finish` copies nothing). */
  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** The bytes written so far. */
  get length(): number {
    return this.fullBytes + this.at;
  }

  /** Makes room for `n` bytes in one piece: a new chunk when the current one is short of them. */
  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    if (this.at > 0) {
      this.full.push(this.bytes.subarray(0, this.at));
      this.fullBytes += this.at;
    }
    const size = Math.max(n, Math.min(2 * this.bytes.length, MAX_CHUNK_BYTES));
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.at = 0;
  }

  u8(x: number): void {
    this.room(1);
    this.view.setUint8(this.at, x);
    this.at += 1;
  }

  u32(x: number): void {
    this.room(4);
    this.view.setUint32(this.at, x, true);
    this.at += 4;
  }

  i32(x: number): void {
    this.room(4);
    this.view.setInt32(this.at, x, true);
    this.at += 4;
  }

  f64(x: number): void {
    this.room(8);
    this.view.setFloat64(this.at, x, true);
    this.at += 8;
  }

  /** UTF-8 with its byte length first; ids are ASCII, copied straight in rather than through a TextEncoder allocation each. */
  str(text: string): void {
    const n = text.length;
    this.room(4 + 3 * n);
    const start = this.at + 4;
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      this.bytes[start + i] = c;
    }
    const length = i === n ? n : i + encoder.encodeInto(text.slice(i), this.bytes.subarray(start + i)).written;
    this.view.setUint32(this.at, length, true);
    this.at = start + length;
  }

  strings(list: readonly string[]): void {
    this.u32(list.length);
    for (const s of list) this.str(s);
  }

  /** A typed array with its element count; `count` writes only a prefix. */
  array(values: Float32Array | Float64Array | Int32Array | Uint8Array, count = values.length): void {
    this.u32(count);
    this.append(new Uint8Array(values.buffer, values.byteOffset, count * values.BYTES_PER_ELEMENT));
  }

  /** Bytes as they are, with no length: another writer's finished bytes. */
  append(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** The bytes written, in one piece: a view when they fit one chunk, else the chunks copied together. */
  finish(): Uint8Array {
    if (this.full.length === 0) return this.bytes.subarray(0, this.at);
    const whole = new Uint8Array(this.length);
    let at = 0;
    for (const piece of this.pieces()) {
      whole.set(piece, at);
      at += piece.length;
    }
    return whole;
  }

  /** The bytes written, as the chunks that hold them (views, in order): to copy a large writer a slice at a time. */
  pieces(): Uint8Array[] {
    return [...this.full, this.bytes.subarray(0, this.at)];
  }
}

export class ByteReader {
  private readonly view: DataView;
  /** The same bytes as a Buffer: its native UTF-8 decoding is several times faster than a TextDecoder on short strings. */
  private readonly text: Buffer;
  private at = 0;

  /** `names`: one copy of each string read, shared with the other readers of one snapshot (ids recur in every table). */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly names?: Interned,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): number {
    if (this.at + n > this.bytes.length) {
      throw new MoteurError('snapshot_corrupt', `learner snapshot ends early: wanted ${n} bytes at offset ${this.at} of ${this.bytes.length}`);
    }
    const start = this.at;
    this.at += n;
    return start;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  f64(): number {
    return this.view.getFloat64(this.need(8), true);
  }

  str(): string {
    const n = this.u32();
    const start = this.need(n);
    const text = this.text.toString('utf8', start, start + n);
    return this.names === undefined ? text : this.names.of(text);
  }

  strings(): string[] {
    return Array.from({ length: this.u32() }, () => this.str());
  }

  /** Reads a float32 array written by `ByteWriter.array` into the one `make` gives for its length (a view, say). */
  f32Into(make: (length: number) => Float32Array): Float32Array {
    return this.into(Float32Array.BYTES_PER_ELEMENT, make);
  }

  /** Reads an array written by `ByteWriter.array` into a fresh one of at least `minLength` elements. */
  f32(minLength = 0): Float32Array<ArrayBuffer> {
    return this.typed(Float32Array, minLength);
  }

  f64s(minLength = 0): Float64Array<ArrayBuffer> {
    return this.typed(Float64Array, minLength);
  }

  i32s(minLength = 0): Int32Array<ArrayBuffer> {
    return this.typed(Int32Array, minLength);
  }

  u8s(minLength = 0): Uint8Array<ArrayBuffer> {
    return this.typed(Uint8Array, minLength);
  }

  private typed<T extends Float32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(
    Kind: { new (length: number): T; BYTES_PER_ELEMENT: number },
    minLength: number,
  ): T {
    return this.into(Kind.BYTES_PER_ELEMENT, (count) => new Kind(Math.max(count, minLength)));
  }

  /** An array's element count, then its bytes copied into the start of the array `make` gives for that count. */
  private into<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(bytesPerElement: number, make: (count: number) => T): T {
    const count = this.u32();
    const start = this.need(count * bytesPerElement);
    const out = make(count);
    new Uint8Array(out.buffer, out.byteOffset, count * bytesPerElement).set(this.bytes.subarray(start, start + count * bytesPerElement));
    return out;
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

/** Starts a snapshot: its kind (`magic`) and format version. */
export function writeHeader(w: ByteWriter, magic: string, format: number): void {
  w.str(magic);
  w.u32(format);
}

/** Checks a snapshot's kind and format version, refusing anything else as `snapshot_corrupt`; `what` names it in errors. */
export function readHeader(r: ByteReader, magic: string, format: number, what: string): void {
  let found = '';
  try {
    found = r.str();
  } catch {
    // Too short to hold even the header: reported below as not a snapshot.
  }
  if (found !== magic) throw new MoteurError('snapshot_corrupt', `not ${what} (wrong header)`);
  const version = r.u32();
  if (version !== format) throw new MoteurError('snapshot_corrupt', `${what} format ${version} is not supported (expected ${format})`);
}
