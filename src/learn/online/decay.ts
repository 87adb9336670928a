/** Exponential decay: the weight left after `elapsedMs` with the given half-life. */
export function decay(elapsedMs: number, halfLifeMs: number): number {
  return elapsedMs <= 0 ? 1 : Math.exp((-elapsedMs * Math.LN2) / halfLifeMs);
}
