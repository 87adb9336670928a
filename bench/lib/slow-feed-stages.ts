/**
 * Where the slow feeds' time went: each feed's pipeline stages (as `explain=1` and `/metrics` report them) are
 * kept beside its latency, and each stage's mean time over the feeds slower than a threshold is given next to its
 * mean over all feeds, with what the pipeline did not account for (recording the page as served, safety's
 * bookkeeping, a pause of the thread).
 */
import type { Moteur } from '../../src/app/moteur.ts';
import { stageTimes } from '../../src/feed/pipeline-report.ts';
import { round } from './report.ts';

export class SlowFeedStages {
  private current: { stage: string; ms: number }[] = [];
  private readonly feeds: { latencyMs: number; stages: { stage: string; ms: number }[]; tag: string }[] = [];

  constructor(moteur: Moteur) {
    moteur.onFeedReport((report) => this.current.push(...stageTimes(report)));
  }

  /** Times one feed; `tag` groups the feeds in the summary (e.g. minor or adult). */
  async time(tag: string, feed: () => Promise<unknown>): Promise<void> {
    this.current = [];
    const start = performance.now();
    await feed();
    this.feeds.push({ latencyMs: performance.now() - start, stages: this.current, tag });
  }

  summary(slowMs: number) {
    const slow = this.feeds.filter((f) => f.latencyMs > slowMs);
    const byTag: Record<string, { feeds: number; slow: number }> = {};
    for (const feed of this.feeds) {
      const t = (byTag[feed.tag] ??= { feeds: 0, slow: 0 });
      t.feeds++;
      if (feed.latencyMs > slowMs) t.slow++;
    }
    return { thresholdMs: slowMs, count: slow.length, byTag, meanMsOfSlowFeeds: meanStages(slow), meanMsOfAllFeeds: meanStages(this.feeds) };
  }
}

/** Each stage's mean time per feed, and the mean time the pipeline did not account for. */
function meanStages(feeds: readonly { latencyMs: number; stages: readonly { stage: string; ms: number }[] }[]) {
  const msByStage: Record<string, number> = {};
  let outsidePipelineMs = 0;
  for (const feed of feeds) {
    for (const { stage, ms } of feed.stages) msByStage[stage] = (msByStage[stage] ?? 0) + ms;
    outsidePipelineMs += feed.latencyMs - feed.stages.reduce((sum, s) => sum + s.ms, 0);
  }
  const mean = (ms: number) => round(ms / Math.max(1, feeds.length));
  return { ...Object.fromEntries(Object.entries(msByStage).map(([stage, ms]) => [stage, mean(ms)])), outsidePipeline: mean(outsidePipelineMs) };
}
