/**
 * The learners' gate against non-finite numbers. A NaN or an infinity taken into shared state (an item row, the
 * projection, the ranker) spreads to every score that touches it, so whatever would bring one in (a video's
 * content vector, an SGD step that overflows float32, another node's model delta, a snapshot) is dropped
 * instead: counted by source (the server exports the counts in /metrics) and reported once per source.
 */
import { warn } from '../../core/warnings.ts';

export type DropSource = 'video embedding' | 'sgd step' | 'ranker step' | 'model delta' | 'person in delta' | 'snapshot';

class DroppedUpdates {
  private readonly counts = new Map<DropSource, number>();
  /** Where the one report per source goes (a process warning unless set otherwise). */
  report: (message: string) => void = (message) => warn('non_finite_dropped', message);

  drop(source: DropSource, what: string): void {
    const count = (this.counts.get(source) ?? 0) + 1;
    this.counts.set(source, count);
    if (count === 1) this.report(`${what} held a non-finite number and was not learned (${source}; later ones are counted in /metrics, not reported)`);
  }

  /** Updates dropped so far in this process, by source. */
  bySource(): ReadonlyMap<DropSource, number> {
    return this.counts;
  }
}

/** One per process: the learners of every engine in it count here. */
export const droppedUpdates = new DroppedUpdates();
