/**
 * Keeps the popular lists recomputed from the learners when events or deltas arrived and a refresh is due:
 * on the timer, spaced by ten times what the last one cost (which depends on the machine), and run in slices so
 * that a pass over a large catalog never holds requests up for long.
 */
import { runInSlices } from '../../core/slices.ts';
import { warn } from '../../core/warnings.ts';
import type { PopularVideos } from '../../learn/popular-videos.ts';
import type { LearnedPopularity } from '../../learn/online/scores.ts';
import type { LearningPosition } from './position.ts';

/** The longest a timed refresh holds the event loop at a time. */
const SLICE_MS = 5;

export class PopularRefresh {
  /** When the popular lists were last refreshed: the position then, the time and how long it took. */
  private at = { seq: -1, deltas: 0, ms: -Infinity, tookMs: 0 };
  /** A timed refresh under way. */
  private running: Promise<void> | undefined;

  constructor(
    private readonly popular: PopularVideos,
    private readonly learners: () => LearnedPopularity,
    private readonly regionOf: (videoId: string) => string | undefined,
    private readonly position: LearningPosition,
    private readonly everyMs: number,
  ) {}

  /**
   * Refreshes when events arrived and it is due. `paced` (the timer) also waits ten times as long as the last
   * refresh ran, and refreshes in slices of a few milliseconds; unpaced (a caller running the upkeep itself, the
   * simulation) it refreshes at once, so a run stays deterministic.
   */
  whenDue(now: number, paced: boolean): void {
    const due = Math.max(this.everyMs, paced ? 10 * this.at.tookMs : 0);
    if (this.running !== undefined || !this.position.movedSince(this.at) || now - this.at.ms < due) return;
    if (!paced) {
      this.refresh(now);
      return;
    }
    const mark = this.position.mark();
    this.running = runInSlices(this.popular.refreshing(this.learners(), this.regionOf), SLICE_MS)
      .then(({ busyMs }) => {
        this.at = { ...mark, ms: now, tookMs: busyMs };
      })
      .catch((error: unknown) => warn('popular_lists_not_refreshed', 'the popular lists were not refreshed (the previous ones are still served)', error))
      .finally(() => {
        this.running = undefined;
      });
  }

  refresh(now = performance.now()): void {
    this.popular.refresh(this.learners(), this.regionOf);
    this.at = { ...this.position.mark(), ms: now, tookMs: performance.now() - now };
  }

  /** Resolves once no timed refresh is under way (the engine is closing). */
  async settled(): Promise<void> {
    await this.running;
  }
}
