/**
 * A/B comparison over simulated people: each metric's difference B − A with a 95 % percentile-bootstrap
 * confidence interval, resampling people (the unit of assignment) within each arm, so the correlation
 * between one person's sessions is accounted for.
 */
import { MoteurError } from '../../core/errors.ts';
import { hashString, seededRandom } from '../../core/random.ts';
import { addTotals, emptyTotals, figures, METRICS, type Figures, type Totals } from './metrics.ts';

export interface MetricDifference {
  metric: keyof Figures;
  a: number;
  b: number;
  /** B − A. */
  difference: number;
  /** (B − A) / A; null when A is 0. */
  relative: number | null;
  ci95: [number, number];
  significant: boolean;
  verdict: 'A is better' | 'B is better' | 'no significant difference';
}

/**
 * The arm a person is assigned to, from a hash of their id: stable, and independent of the order they arrive in.
 * The hash seeds a generator whose first draw decides, because FNV-1a's low bit is only the parity of the characters.
 */
export function armOfPerson(userId: string, salt: number): 0 | 1 {
  return seededRandom(hashString(`${salt}\u0000${userId}`))() < 0.5 ? 0 : 1;
}

function resampledTotals(people: readonly Totals[], random: () => number): Totals {
  const total = emptyTotals();
  for (let i = 0; i < people.length; i++) addTotals(total, people[Math.floor(random() * people.length)]!);
  return total;
}

function percentile(sorted: readonly number[], p: number): number {
  // Linear interpolation between the closest ranks.
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low);
}

export function compareArms(a: readonly Totals[], b: readonly Totals[], options: { resamples: number; seed: number }): MetricDifference[] {
  if (a.length < 2 || b.length < 2) {
    throw new MoteurError('too_few_people', `an A/B comparison needs at least two people with a session in each arm (A has ${a.length}, B has ${b.length}); raise --users`, 400, 'users');
  }
  const whole = (people: readonly Totals[]) => people.reduce((t, p) => (addTotals(t, p), t), emptyTotals());
  const [figuresA, figuresB] = [figures(whole(a)), figures(whole(b))];
  const random = seededRandom(hashString(`${options.seed}/bootstrap`));
  const draws = METRICS.map(() => [] as number[]);
  for (let r = 0; r < options.resamples; r++) {
    const [fa, fb] = [figures(resampledTotals(a, random)), figures(resampledTotals(b, random))];
    METRICS.forEach(({ key }, m) => draws[m]!.push(fb[key] - fa[key]));
  }
  return METRICS.map(({ key, higherIsBetter }, m) => {
    const sorted = draws[m]!.sort((x, y) => x - y);
    const ci95: [number, number] = [percentile(sorted, 0.025), percentile(sorted, 0.975)];
    const difference = figuresB[key] - figuresA[key];
    const significant = ci95[0] > 0 || ci95[1] < 0;
    const bBetter = difference > 0 === higherIsBetter;
    return {
      metric: key,
      a: figuresA[key],
      b: figuresB[key],
      difference,
      relative: figuresA[key] === 0 ? null : difference / figuresA[key],
      ci95,
      significant,
      verdict: !significant ? 'no significant difference' : bBetter ? 'B is better' : 'A is better',
    };
  });
}
