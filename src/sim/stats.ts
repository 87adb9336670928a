/** Rolling figures of a simulation: what people watched and did, and how fast the server answered. */
export interface SimulationReport {
  seconds: number;
  sessions: number;
  feeds: number;
  impressions: number;
  eventsSent: number;
  eventsPerSecond: number;
  feedsPerSecond: number;
  meanWatchRatioPerFeed: number;
  likesPer100Impressions: number;
  meanAffinity: number;
  feedLatencyMs: { p50: number; p99: number };
  errors: number;
  /** Mean watch ratio per feed in each successive window: it should rise as the engine learns. */
  watchRatioByWindow: number[];
}

export class SimulationStats {
  private readonly started = performance.now();
  sessions = 0;
  feeds = 0;
  impressions = 0;
  eventsSent = 0;
  likes = 0;
  errors = 0;
  lastError = '';
  private watchRatioSum = 0;
  private affinitySum = 0;
  private latencies: number[] = [];
  private readonly windows: { sum: number; feeds: number }[] = [];

  constructor(private readonly windowMs: number) {}

  recordFeed(latencyMs: number, watchRatios: number[], affinities: number[]): void {
    this.feeds++;
    this.latencies.push(latencyMs);
    if (this.latencies.length > 20_000) this.latencies = this.latencies.slice(-10_000);
    if (watchRatios.length === 0) return;
    const mean = watchRatios.reduce((a, b) => a + Math.min(b, 2), 0) / watchRatios.length;
    this.watchRatioSum += mean;
    this.affinitySum += affinities.reduce((a, b) => a + b, 0) / affinities.length;
    const index = Math.floor((performance.now() - this.started) / this.windowMs);
    while (this.windows.length <= index) this.windows.push({ sum: 0, feeds: 0 });
    this.windows[index]!.sum += mean;
    this.windows[index]!.feeds++;
  }

  recordError(err: unknown): void {
    this.errors++;
    this.lastError = err instanceof Error ? err.message : String(err);
  }

  report(): SimulationReport {
    const seconds = (performance.now() - this.started) / 1000;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
    const fixed = (x: number, d = 3) => Number(x.toFixed(d));
    return {
      seconds: fixed(seconds, 1),
      sessions: this.sessions,
      feeds: this.feeds,
      impressions: this.impressions,
      eventsSent: this.eventsSent,
      eventsPerSecond: Math.round(this.eventsSent / seconds),
      feedsPerSecond: Math.round(this.feeds / seconds),
      meanWatchRatioPerFeed: fixed(this.feeds === 0 ? 0 : this.watchRatioSum / this.feeds),
      likesPer100Impressions: fixed(this.impressions === 0 ? 0 : (100 * this.likes) / this.impressions, 2),
      meanAffinity: fixed(this.feeds === 0 ? 0 : this.affinitySum / this.feeds),
      feedLatencyMs: { p50: fixed(at(0.5)), p99: fixed(at(0.99)) },
      errors: this.errors,
      watchRatioByWindow: this.windows.map((w) => fixed(w.feeds === 0 ? 0 : w.sum / w.feeds)),
    };
  }
}
