/**
 * A/B comparison over simulated people: each metric's difference B − A with a 95 % percentile-bootstrap
 * confidence interval, resampling people (the unit of assignment) within each arm, so the correlation
 * between one person's sessions is accounted for.
 */
import { MoteurError } from '../../core/errors.ts';
import { bucketOf, hashString, seededRandom } from '../../core/random.ts';
import { addTotals, emptyTotals, figures, METRICS, type Figures, type Totals } from './metrics.ts';

export interface MetricDifference<K extends string = keyof Figures> {
  metric: K;
  a: number;
  b: number;
  /** Each arm's own 95 % interval, from the same resamples. */
  aCi95: [number, number];
  bCi95: [number, number];
  /** B − A. */
  difference: number;
  /** (B − A) / A; null when A is 0. */
  relative: number | null;
  ci95: [number, number];
  significant: boolean;
  verdict: 'A is better' | 'B is better' | 'no significant difference';
}

/** How per-person sums add up and what figures they give: the simulation's, or those of logged events. */
export interface ArmStatistics<T, K extends string> {
  empty(): T;
  add(into: T, from: T): void;
  figures(total: T): Record<K, number>;
  metrics: readonly { key: K; higherIsBetter: boolean }[];
}

const SIMULATED: ArmStatistics<Totals, MetricDifference['metric']> = { empty: emptyTotals, add: addTotals, figures, metrics: METRICS };

/**
 * The arm a person is assigned to, from a hash of their id: stable, and independent of the order they arrive in.
 */
export function armOfPerson(userId: string, salt: number): 0 | 1 {
  return bucketOf(`${salt}\u0000${userId}`, 2) as 0 | 1;
}

function resampledTotal<T>(stats: ArmStatistics<T, string>, people: readonly T[], random: () => number): T {
  const total = stats.empty();
  for (let i = 0; i < people.length; i++) stats.add(total, people[Math.floor(random() * people.length)]!);
  return total;
}

function percentile(sorted: readonly number[], p: number): number {
  // Linear interpolation between the closest ranks.
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low);
}

const interval = (draws: number[]): [number, number] => {
  const sorted = draws.sort((x, y) => x - y);
  return [percentile(sorted, 0.025), percentile(sorted, 0.975)];
};

/**
 * Each metric's difference B − A with a 95 % percentile-bootstrap interval, resampling people (the unit of
 * assignment) within each arm; `tooFew` says what to do when an arm has fewer than two people.
 */
export function compareGroups<T, K extends string>(
  stats: ArmStatistics<T, K>,
  a: readonly T[],
  b: readonly T[],
  options: { resamples: number; seed: number; tooFew: string },
): MetricDifference<K>[] {
  if (a.length < 2 || b.length < 2) {
    throw new MoteurError(
      'too_few_people',
      `an A/B comparison needs at least two people with a session in each arm (A has ${a.length}, B has ${b.length}); ${options.tooFew}`,
      { field: 'users' },
    );
  }
  const whole = (people: readonly T[]) => people.reduce((t, p) => (stats.add(t, p), t), stats.empty());
  const [figuresA, figuresB] = [stats.figures(whole(a)), stats.figures(whole(b))];
  const random = seededRandom(hashString(`${options.seed}/bootstrap`));
  const draws = stats.metrics.map(() => ({ a: [] as number[], b: [] as number[], difference: [] as number[] }));
  for (let r = 0; r < options.resamples; r++) {
    const [fa, fb] = [stats.figures(resampledTotal(stats, a, random)), stats.figures(resampledTotal(stats, b, random))];
    stats.metrics.forEach(({ key }, m) => {
      draws[m]!.a.push(fa[key]);
      draws[m]!.b.push(fb[key]);
      draws[m]!.difference.push(fb[key] - fa[key]);
    });
  }
  return stats.metrics.map(({ key, higherIsBetter }, m) => {
    const ci95 = interval(draws[m]!.difference);
    const difference = figuresB[key] - figuresA[key];
    const significant = ci95[0] > 0 || ci95[1] < 0;
    const bBetter = difference > 0 === higherIsBetter;
    return {
      metric: key,
      a: figuresA[key],
      b: figuresB[key],
      aCi95: interval(draws[m]!.a),
      bCi95: interval(draws[m]!.b),
      difference,
      relative: figuresA[key] === 0 ? null : difference / figuresA[key],
      ci95,
      significant,
      verdict: !significant ? 'no significant difference' : bBetter ? 'B is better' : 'A is better',
    };
  });
}

/** The simulation's A/B comparison: its metrics over simulated people's sessions. */
export function compareArms(a: readonly Totals[], b: readonly Totals[], options: { resamples: number; seed: number }): MetricDifference[] {
  return compareGroups(SIMULATED, a, b, { ...options, tooFew: 'raise --users' });
}
