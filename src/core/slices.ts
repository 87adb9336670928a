/**
 * Long work in steps. A job is a generator that yields between small steps, so the same code runs all at once
 * (`runAll`) or a slice at a time between other work (`runInSlices`): a pass over a large state then never holds
 * the event loop, and so every request, for long.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export type Steps<T = void> = Generator<void, T, void>;

export function runAll<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the job about `sliceMs` at a time, letting the event loop turn between slices; `busyMs` is the time it ran. */
export async function runInSlices<T>(steps: Steps<T>, sliceMs: number): Promise<{ value: T; busyMs: number }> {
  let busyMs = 0;
  for (;;) {
    const start = performance.now();
    const end = start + sliceMs;
    for (;;) {
      const step = steps.next();
      if (step.done) return { value: step.value, busyMs: busyMs + performance.now() - start };
      if (performance.now() >= end) break;
    }
    busyMs += performance.now() - start;
    await nextTurn();
  }
}
