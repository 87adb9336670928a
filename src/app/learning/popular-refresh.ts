/**
 * Keeps the popular lists recomputed from the learners when events or deltas arrived and a refresh is due:
 * on the timer, spaced by ten times what the last one cost (which depends on the machine).
 */
import type { PopularVideos } from '../../learn/popular-videos.ts';
import type { LearnedPopularity } from '../../learn/online/scores.ts';
import type { LearningPosition } from './position.ts';

export class PopularRefresh {
  /** When the popular lists were last refreshed: the position then, the time and how long it took. */
  private at = { seq: -1, deltas: 0, ms: -Infinity, tookMs: 0 };

  constructor(
    private readonly popular: PopularVideos,
    private readonly learners: () => LearnedPopularity,
    private readonly regionOf: (videoId: string) => string | undefined,
    private readonly position: LearningPosition,
    private readonly everyMs: number,
  ) {}

  /** Refreshes when events arrived and it is due; `paced` (the timer) also waits ten times as long as the last refresh took. */
  whenDue(now: number, paced: boolean): void {
    // A refresh is a pass over every engaged video: on the timer, it waits ten times as long as it last took.
    const due = Math.max(this.everyMs, paced ? 10 * this.at.tookMs : 0);
    if (this.position.movedSince(this.at) && now - this.at.ms >= due) this.refresh(now);
  }

  refresh(now = performance.now()): void {
    this.popular.refresh(this.learners(), this.regionOf);
    this.at = { ...this.position.mark(), ms: now, tookMs: performance.now() - now };
  }
}
