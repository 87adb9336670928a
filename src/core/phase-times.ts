/**
 * How long each phase of a long piece of work took (the engine's start: read, decode, catalog, learners,
 * graphs, people), so the slow one is named. A phase timed several times (a page at a time) adds up.
 */
export interface PhaseTime {
  phase: string;
  ms: number;
}

export class PhaseTimes {
  private readonly totals = new Map<string, number>();

  /** Runs `work`, adding its time to `phase`. */
  time<T>(phase: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.add(phase, performance.now() - start);
    }
  }

  /** Awaits `work`, adding its time (waiting included) to `phase`. */
  async timeAsync<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - start);
    }
  }

  add(phase: string, ms: number): void {
    this.totals.set(phase, (this.totals.get(phase) ?? 0) + ms);
  }

  /** Each phase in the order it first ran, in whole milliseconds. */
  list(): PhaseTime[] {
    return [...this.totals].map(([phase, ms]) => ({ phase, ms: Math.round(ms) }));
  }

  /** One line for a log: `read snapshot 1.2 s, decode snapshot 3.4 s, ...` (total first). */
  toString(): string {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const total = [...this.totals.values()].reduce((a, b) => a + b, 0);
    return `${seconds(total)}: ${this.list().map((p) => `${p.phase} ${seconds(p.ms)}`).join(', ')}`;
  }
}
