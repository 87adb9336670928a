/**
 * How long each phase of a long piece of work took (the engine's start: read, decode, catalog, learners,
 * graphs, people), so the slow one is named. A phase timed several times (a page at a time) adds up. Besides
 * the wall time, the process's CPU time: on a shared machine it barely moves with the load, so runs compare.
 */
export interface PhaseTime {
  phase: string;
  ms: number;
  cpuMs: number;
}

const cpuMsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export class PhaseTimes {
  private readonly totals = new Map<string, { ms: number; cpuMs: number }>();

  /** Runs `work`, adding its time to `phase`. */
  time<T>(phase: string, work: () => T): T {
    const start = performance.now();
    const cpu = cpuMsNow();
    try {
      return work();
    } finally {
      this.add(phase, performance.now() - start, cpuMsNow() - cpu);
    }
  }

  /** Awaits `work`, adding its time (waiting included) to `phase`. */
  async timeAsync<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const cpu = cpuMsNow();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - start, cpuMsNow() - cpu);
    }
  }

  add(phase: string, ms: number, cpuMs: number): void {
    const total = this.totals.get(phase) ?? { ms: 0, cpuMs: 0 };
    total.ms += ms;
    total.cpuMs += cpuMs;
    this.totals.set(phase, total);
  }

  /** Each phase in the order it first ran, in whole milliseconds. */
  list(): PhaseTime[] {
    return [...this.totals].map(([phase, { ms, cpuMs }]) => ({ phase, ms: Math.round(ms), cpuMs: Math.round(cpuMs) }));
  }

  /** One line for a log: `read snapshot 1.2 s, decode snapshot 3.4 s, ...` (total first). */
  toString(): string {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const total = [...this.totals.values()].reduce((sum, t) => sum + t.ms, 0);
    return `${seconds(total)}: ${this.list()
      .map((p) => `${p.phase} ${seconds(p.ms)}`)
      .join(', ')}`;
  }
}
