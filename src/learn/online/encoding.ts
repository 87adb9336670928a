/**
 * Snapshot encoding in slices. An encoder is a generator that yields every `ROWS_PER_YIELD` rows, so the same
 * code encodes all at once (`encodeAll`) or a slice at a time between other work (`encodeInSlices`): a snapshot
 * of a large state then never holds the event loop for long. Encoding in slices reads a frozen copy of the state
 * (each part's `freeze`), taken in one turn, so the bytes hold one instant whatever is learned meanwhile.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ByteWriter } from './bytes.ts';

export type Encoding<T = void> = Generator<void, T, void>;

/** Rows an encoder writes between yields: a yield every fraction of a millisecond. */
export const ROWS_PER_YIELD = 64;

export function encodeAll<T>(encoding: Encoding<T>): T {
  for (;;) {
    const step = encoding.next();
    if (step.done) return step.value;
  }
}

/** Runs the encoder for about `sliceMs` at a time, letting the event loop turn between slices. */
export async function encodeInSlices<T>(encoding: Encoding<T>, sliceMs: number): Promise<T> {
  for (;;) {
    const end = performance.now() + sliceMs;
    for (;;) {
      const step = encoding.next();
      if (step.done) return step.value;
      if (performance.now() >= end) break;
    }
    await nextTurn();
  }
}

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
