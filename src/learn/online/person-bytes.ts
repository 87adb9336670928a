/**
 * Where a snapshot puts state keyed by a person. Item-level state goes to `shared`; each person's rows go to
 * the writer `of(userId)` names: `shared` itself for a whole snapshot, or the part of the person's region for
 * a snapshot split by residency (regional-snapshot.ts), which leaves only the part's number in `shared` so the
 * rows are read back in the order they were written (the learners' state depends on it).
 */
import type { ByteReader, ByteWriter } from './bytes.ts';

export interface PersonWriter {
  readonly shared: ByteWriter;
  /** The writer for this person's next row; the caller writes the id and the row into it. */
  of(userId: string): ByteWriter;
}

export interface PersonReader {
  readonly shared: ByteReader;
  /** The reader holding the next person's row, in the order `of` was called when writing. */
  next(): ByteReader;
}

/** Everything in one stream: a snapshot that is not split, or item-level tables that name no person. */
export const wholeWriter = (w: ByteWriter): PersonWriter => ({ shared: w, of: () => w });
export const wholeReader = (r: ByteReader): PersonReader => ({ shared: r, next: () => r });
