/**
 * A snapshot split by residency: one part per region holding the rows of that region's people (their ids,
 * embeddings, affinities, open exposures, recent positives, what they have seen), and a shared part holding
 * item-level state and, for each person's row, only the number of the part it is in. The shared part names
 * each part by its SHA-256, so parts of different snapshots (a crash between two files) are never mixed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { invalid, MoteurError } from '../../core/errors.ts';
import { ByteReader, ByteWriter, readHeader, writeHeader } from './bytes.ts';
import type { Encoding } from './encoding.ts';
import { runAll } from '../../core/slices.ts';
import type { PersonReader, PersonWriter } from './person-bytes.ts';
import { writeFileAtomically, writeFileAtomicallyInBackground } from './snapshot-file.ts';
import { makePrivateDir } from '../../core/private-files.ts';
import { Interned } from '../../core/interned.ts';

const SHARED_MAGIC = 'moteur-shared-snapshot';
const PART_MAGIC = 'moteur-region-snapshot';
const FORMAT = 1;

export interface RegionalSnapshot {
  shared: Uint8Array;
  /** Region → its part. */
  parts: Map<string, Uint8Array>;
}

const sha256 = (bytes: Uint8Array): string => runAll(sha256InSlices(bytes));

/** Bytes hashed or copied between yields: about a millisecond's worth. */
const BYTES_PER_YIELD = 1 << 20;

function* sha256InSlices(bytes: Uint8Array): Encoding<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.length; at += BYTES_PER_YIELD) {
    hash.update(bytes.subarray(at, at + BYTES_PER_YIELD));
    yield;
  }
  return hash.digest('hex');
}

/**
 * `body`'s bytes after `head` (what `ByteWriter.array` writes: the length, then the bytes), into a writer of the
 * exact size, copied a slice at a time: a part can be hundreds of megabytes.
 */
function* withHead(head: ByteWriter, body: ByteWriter): Encoding<Uint8Array> {
  const start = head.finish();
  const w = new ByteWriter(start.length + 4 + body.length);
  w.append(start);
  w.u32(body.length);
  for (const piece of body.pieces()) {
    for (let at = 0; at < piece.length; at += BYTES_PER_YIELD) {
      w.append(piece.subarray(at, at + BYTES_PER_YIELD));
      yield;
    }
  }
  return w.finish();
}

/** Writes each person's rows into their region's part (`regionOf` undefined: the first region, the home one). */
export class RegionalWriter implements PersonWriter {
  readonly shared = new ByteWriter();
  private readonly parts: ByteWriter[];

  constructor(
    private readonly regions: readonly string[],
    private readonly regionOf: (userId: string) => string | undefined,
  ) {
    if (regions.length === 0 || regions.length > 255) throw invalid('regions', `a snapshot splits into 1 to 255 regions, not ${regions.length}`);
    this.parts = regions.map(() => new ByteWriter());
  }

  of(userId: string): ByteWriter {
    const region = this.regionOf(userId) ?? this.regions[0]!;
    const i = this.regions.indexOf(region);
    // A 500, not the 403 a caller gets: no request asked for this person, the engine holds them by mistake.
    if (i < 0)
      throw new MoteurError('wrong_region', `the learners hold a person of region ${region}, which this engine does not serve (${this.regions.join(', ')})`, {
        status: 500,
      });
    this.shared.u8(i);
    return this.parts[i]!;
  }

  finish(magic: string, format: number): RegionalSnapshot {
    return runAll(this.finishing(magic, format));
  }

  /** `finish` with a yield between each megabyte hashed (see encoding.ts). */
  *finishing(magic: string, format: number): Encoding<RegionalSnapshot> {
    const parts = new Map<string, Uint8Array>();
    const hashes: string[] = [];
    for (const [i, region] of this.regions.entries()) {
      const head = new ByteWriter(256);
      writeHeader(head, PART_MAGIC, FORMAT);
      head.str(region);
      const bytes = yield* withHead(head, this.parts[i]!);
      parts.set(region, bytes);
      hashes.push(yield* sha256InSlices(bytes));
    }
    const head = new ByteWriter(256);
    writeHeader(head, SHARED_MAGIC, FORMAT);
    head.str(magic);
    head.u32(format);
    head.u32(this.regions.length);
    this.regions.forEach((region, i) => {
      head.str(region);
      head.str(hashes[i]!);
    });
    return { shared: yield* withHead(head, this.shared), parts };
  }
}

class RegionalReader implements PersonReader {
  constructor(
    readonly shared: ByteReader,
    private readonly parts: ByteReader[],
  ) {}

  next(): ByteReader {
    const i = this.shared.u8();
    const part = this.parts[i];
    if (part === undefined) throw new MoteurError('snapshot_corrupt', `snapshot names region part ${i}, which it does not have`);
    return part;
  }

  get done(): boolean {
    return this.shared.done && this.parts.every((p) => p.done);
  }
}

/**
 * Opens a split snapshot for `regions` (the regions the engine serves). A snapshot of other regions, or a
 * part that is missing or not the one the shared part names, is `snapshot_regions`: the state is rebuilt from
 * the log instead. `read` must consume every byte.
 */
export function readRegional<T>(
  snapshot: RegionalSnapshot,
  regions: readonly string[],
  magic: string,
  format: number,
  what: string,
  read: (input: PersonReader) => T,
): T {
  if (startsWith(snapshot.shared, magic)) throw new MoteurError('snapshot_regions', `${what} from an earlier version, with every region's people in one file`);
  const r = new ByteReader(snapshot.shared);
  readHeader(r, SHARED_MAGIC, FORMAT, what);
  readHeader(r, magic, format, what);
  const named = Array.from({ length: r.u32() }, () => ({ region: r.str(), hash: r.str() }));
  const held = named.map((n) => n.region);
  if (held.length !== regions.length || !regions.every((region) => held.includes(region))) {
    throw new MoteurError('snapshot_regions', `the snapshot holds the people of ${held.join(', ')}; this engine serves ${regions.join(', ')}`);
  }
  // Each person's and video's id recurs in several tables, and the people's tables in every region's part.
  const names = new Interned();
  const parts = named.map(({ region, hash }) => {
    const bytes = snapshot.parts.get(region);
    if (bytes === undefined || sha256(bytes) !== hash)
      throw new MoteurError('snapshot_regions', `the snapshot part of region ${region} is missing or belongs to another snapshot`);
    const p = new ByteReader(bytes);
    readHeader(p, PART_MAGIC, FORMAT, `${what} part`);
    if (p.str() !== region) throw new MoteurError('snapshot_corrupt', `the snapshot part of region ${region} names another region`);
    return new ByteReader(p.u8s(), names);
  });
  const input = new RegionalReader(new ByteReader(r.u8s(), names), parts);
  const value = read(input);
  if (!r.done || !input.done) throw new MoteurError('snapshot_corrupt', `${what} has trailing bytes`);
  return value;
}

/** Whether the bytes open with `magic` as their first string: a snapshot written before they were split. */
function startsWith(bytes: Uint8Array, magic: string): boolean {
  try {
    return new ByteReader(bytes).str() === magic;
  } catch {
    return false;
  }
}

// ---- files: the shared part at `path`, each region's part under regions/<region>/ beside it

/** Where a region's part of the snapshot at `path` lives: `DATA/regions/<region>/<name>` for `DATA/<name>`. */
export const regionPartPath = (path: string, region: string): string => join(dirname(path), 'regions', region, basename(path));

/** Parts first, the shared part last: until it is renamed into place, the previous snapshot's shared part names other parts. */
export function writeRegionalFiles(path: string, snapshot: RegionalSnapshot): number {
  let size = 0;
  for (const [region, bytes] of snapshot.parts) {
    const partPath = regionPartPath(path, region);
    makePrivateDir(dirname(partPath));
    size += writeFileAtomically(partPath, bytes);
  }
  return size + writeFileAtomically(path, snapshot.shared);
}

/**
 * The same in the background (see writeFileAtomicallyInBackground): `stillWanted` is asked before each rename,
 * and once it says no nothing more is renamed into place; false then.
 */
export async function writeRegionalFilesInBackground(path: string, snapshot: RegionalSnapshot, stillWanted: () => boolean): Promise<boolean> {
  for (const [region, bytes] of snapshot.parts) {
    const partPath = regionPartPath(path, region);
    makePrivateDir(dirname(partPath));
    if (!(await writeFileAtomicallyInBackground(partPath, bytes, stillWanted))) return false;
  }
  return writeFileAtomicallyInBackground(path, snapshot.shared, stillWanted);
}

/** The snapshot at `path` with the parts of `regions` that exist; undefined when there is no shared part. */
export function readRegionalFiles(path: string, regions: readonly string[]): RegionalSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const parts = new Map<string, Uint8Array>();
  for (const region of regions) {
    const partPath = regionPartPath(path, region);
    if (existsSync(partPath)) parts.set(region, readFileSync(partPath));
  }
  return { shared: readFileSync(path), parts };
}

export function removeRegionalFiles(path: string, regions: readonly string[]): void {
  rmSync(path, { force: true });
  for (const region of regions) rmSync(regionPartPath(path, region), { force: true });
}
