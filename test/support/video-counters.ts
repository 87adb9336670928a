import type { OnlineLearners } from '../../src/learn/online/learners.ts';
import { COUNTERS, type Counter } from '../../src/learn/online/video-counters.ts';

/** Each video's counters (those named), decayed to `now`, by video id: comparable between replicas whose slots differ. */
export function videoCounters(learners: OnlineLearners, now: number, names: readonly Counter[] = COUNTERS): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let slot = 0; slot < learners.parts.catalog.size; slot++) {
    const f = learners.parts.counters.decayFactor(slot, now);
    out.set(
      learners.parts.catalog.get(slot).id,
      names.map((c) => f * learners.parts.counters.get(slot, c)),
    );
  }
  return out;
}
