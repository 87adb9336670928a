/**
 * An exponentially time-decayed sum: each addition loses half its weight every `halfLifeMs`.
 * Stored as (value at lastTs, lastTs) so an update costs O(1) whatever the history.
 */
export class DecayedSum {
  value = 0;
  lastTs = 0;

  add(amount: number, ts: number, halfLifeMs: number): void {
    this.value = this.at(ts, halfLifeMs) + amount;
    this.lastTs = Math.max(ts, this.lastTs);
  }

  at(ts: number, halfLifeMs: number): number {
    if (ts <= this.lastTs) return this.value;
    return this.value * Math.pow(0.5, (ts - this.lastTs) / halfLifeMs);
  }
}
