/**
 * Where the slow feeds' time went: each feed's pipeline stages (as `explain=1` and `/metrics` report them) are
 * kept beside its latency, and each stage's mean time over the feeds slower than a threshold is given next to its
 * mean over all feeds, with what the pipeline did not account for (recording the page as served, safety's
 * bookkeeping, a pause of the thread), how long the serving thread waited for a CPU, how much CPU the process's
 * other threads used meanwhile, how many page faults it took (a count, not ms), and how many of the slow feeds
 * ran while the item graph was not up to date (retraining, or about to).
 */
import type { Moteur } from '../../src/app/moteur.ts';
import { stageTimes } from '../../src/feed/pipeline-report.ts';
import { round } from './report.ts';
import { cpuBetween, readCpu } from './thread-cpu.ts';

interface TimedFeed {
  latencyMs: number;
  stages: { stage: string; ms: number }[];
  tag: string;
  waitingForCpuMs: number;
  otherThreadsCpuMs: number;
  pageFaults: number;
  graphBehind: boolean;
}

export class SlowFeedStages {
  /** The stages of the feed being timed; undefined between timed feeds, whose reports are not this breakdown's. */
  private current: { stage: string; ms: number }[] | undefined;
  private readonly feeds: TimedFeed[] = [];

  constructor(private readonly moteur: Moteur) {
    moteur.onFeedReport((report) => this.current?.push(...stageTimes(report)));
  }

  /** Times one feed; `tag` groups the feeds in the summary (e.g. minor or adult). */
  async time(tag: string, feed: () => Promise<unknown>): Promise<void> {
    const stages: { stage: string; ms: number }[] = [];
    this.current = stages;
    const graphBehind = !this.moteur.learning.graph.upToDate;
    const cpuBefore = readCpu();
    const start = performance.now();
    await feed();
    const latencyMs = performance.now() - start;
    const cpu = cpuBetween(cpuBefore, readCpu());
    this.current = undefined;
    this.feeds.push({ latencyMs, stages, tag, ...cpu, graphBehind: graphBehind || !this.moteur.learning.graph.upToDate });
  }

  summary(slowMs: number) {
    const slow = this.feeds.filter((f) => f.latencyMs > slowMs);
    const byTag: Record<string, { feeds: number; slow: number }> = {};
    for (const feed of this.feeds) {
      const t = (byTag[feed.tag] ??= { feeds: 0, slow: 0 });
      t.feeds++;
      if (feed.latencyMs > slowMs) t.slow++;
    }
    return {
      thresholdMs: slowMs,
      count: slow.length,
      byTag,
      slowWhileGraphBehind: slow.filter((f) => f.graphBehind).length,
      meanMsOfSlowFeeds: meanStages(slow),
      meanMsOfAllFeeds: meanStages(this.feeds),
    };
  }
}

/** Each stage's mean time per feed, and the mean time the pipeline did not account for. */
function meanStages(feeds: readonly TimedFeed[]) {
  const msByStage: Record<string, number> = {};
  let outsidePipelineMs = 0;
  let waitingForCpuMs = 0;
  let otherThreadsCpuMs = 0;
  let pageFaults = 0;
  for (const feed of feeds) {
    for (const { stage, ms } of feed.stages) msByStage[stage] = (msByStage[stage] ?? 0) + ms;
    outsidePipelineMs += feed.latencyMs - feed.stages.reduce((sum, s) => sum + s.ms, 0);
    waitingForCpuMs += feed.waitingForCpuMs;
    otherThreadsCpuMs += feed.otherThreadsCpuMs;
    pageFaults += feed.pageFaults;
  }
  const mean = (ms: number) => round(ms / Math.max(1, feeds.length));
  return {
    ...Object.fromEntries(Object.entries(msByStage).map(([stage, ms]) => [stage, mean(ms)])),
    outsidePipeline: mean(outsidePipelineMs),
    waitingForCpu: mean(waitingForCpuMs),
    otherThreadsCpu: mean(otherThreadsCpuMs),
    pageFaults: mean(pageFaults),
  };
}
