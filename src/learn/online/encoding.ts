/**
 * Snapshot encoding in slices. An encoder is a job of steps (src/core/slices.ts) that yields every
 * `ROWS_PER_YIELD` rows, so the same code encodes all at once (`runAll`) or a slice at a time between other work
 * (`runInSlices`): a snapshot of a large state then never holds the event loop for long. Encoding in slices reads
 * a frozen copy of the state (each part's `freeze`), taken in one turn, so the bytes hold one instant whatever is
 * learned meanwhile.
 */
import type { Steps } from '../../core/slices.ts';
import { ByteWriter } from './bytes.ts';

export type Encoding<T = void> = Steps<T>;

/** Rows an encoder writes between yields: a yield every fraction of a millisecond. */
export const ROWS_PER_YIELD = 64;

/**
 * A part that is quick to encode whole (typed arrays copied as they are, a few numbers): encoded now, into its
 * own bytes, and appended when the encoding reaches it.
 */
export function encodedNow(write: (w: ByteWriter) => void): (w: ByteWriter) => Encoding {
  const own = new ByteWriter();
  write(own);
  const bytes = own.finish();
  return (w) => inOneStep(() => w.append(bytes));
}

/** An encoding whose work is done in one step (a copy of bytes already there). */
export function* inOneStep(write: () => void): Encoding {
  write();
  yield;
}
