/** Rolling figures of a simulation: what people watched and did, and how fast the server answered. */
import { messageOf } from '../core/thrown.ts';
export interface SimulationReport {
  seconds: number;
  sessions: number;
  feeds: number;
  impressions: number;
  eventsSent: number;
  eventsPerSecond: number;
  /** New videos creators posted during the run. */
  videosPosted: number;
  feedsPerSecond: number;
  meanWatchRatioPerFeed: number;
  likesPer100Impressions: number;
  meanAffinity: number;
  feedLatencyMs: { p50: number; p99: number };
  errors: number;
  /** Mean watch ratio per feed in each completed window of `windowSeconds`: it should rise as the engine learns. */
  watchRatioByWindow: number[];
  /** Mean hidden affinity of the served videos in the same windows: how good the feeds really were. */
  affinityByWindow: number[];
  windowSeconds: number;
}

export class SimulationStats {
  private readonly started = performance.now();
  sessions = 0;
  feeds = 0;
  impressions = 0;
  eventsSent = 0;
  likes = 0;
  videosPosted = 0;
  errors = 0;
  lastError = '';
  /** Feeds holding at least one video of the simulated catalog: the ones the means are over. */
  private watchedFeeds = 0;
  private watchRatioSum = 0;
  private affinitySum = 0;
  private latencies: number[] = [];
  private readonly windows: { watchRatio: number; affinity: number; feeds: number }[] = [];

  constructor(private readonly windowMs: number) {}

  recordFeed(latencyMs: number, watchRatios: number[], affinities: number[]): void {
    this.feeds++;
    this.latencies.push(latencyMs);
    if (this.latencies.length > 20_000) this.latencies = this.latencies.slice(-10_000);
    if (watchRatios.length === 0) return;
    // Replays count, but only up to twice through, so one looped video does not swamp a page.
    const watchRatio = watchRatios.reduce((a, b) => a + Math.min(b, 2), 0) / watchRatios.length;
    const affinity = affinities.reduce((a, b) => a + b, 0) / affinities.length;
    this.watchedFeeds++;
    this.watchRatioSum += watchRatio;
    this.affinitySum += affinity;
    const index = Math.floor((performance.now() - this.started) / this.windowMs);
    while (this.windows.length <= index) this.windows.push({ watchRatio: 0, affinity: 0, feeds: 0 });
    const window = this.windows[index]!;
    window.watchRatio += watchRatio;
    window.affinity += affinity;
    window.feeds++;
  }

  recordError(err: unknown): void {
    this.errors++;
    this.lastError = messageOf(err);
  }

  report(): SimulationReport {
    const seconds = (performance.now() - this.started) / 1000;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
    const fixed = (x: number, d = 3) => Number(x.toFixed(d));
    // The window still running holds too few feeds to compare with the others.
    const completed = this.windows.slice(0, Math.floor((seconds * 1000) / this.windowMs));
    return {
      seconds: fixed(seconds, 1),
      sessions: this.sessions,
      feeds: this.feeds,
      impressions: this.impressions,
      eventsSent: this.eventsSent,
      eventsPerSecond: Math.round(this.eventsSent / seconds),
      videosPosted: this.videosPosted,
      feedsPerSecond: Math.round(this.feeds / seconds),
      meanWatchRatioPerFeed: fixed(this.watchedFeeds === 0 ? 0 : this.watchRatioSum / this.watchedFeeds),
      likesPer100Impressions: fixed(this.impressions === 0 ? 0 : (100 * this.likes) / this.impressions, 2),
      meanAffinity: fixed(this.watchedFeeds === 0 ? 0 : this.affinitySum / this.watchedFeeds),
      feedLatencyMs: { p50: fixed(at(0.5)), p99: fixed(at(0.99)) },
      errors: this.errors,
      watchRatioByWindow: completed.map((w) => fixed(w.feeds === 0 ? 0 : w.watchRatio / w.feeds)),
      affinityByWindow: completed.map((w) => fixed(w.feeds === 0 ? 0 : w.affinity / w.feeds)),
      windowSeconds: this.windowMs / 1000,
    };
  }
}
