import { seededRandom } from '../../core/random.ts';

/** A figure with its 95 % interval. */
export interface Interval {
  value: number;
  low: number;
  high: number;
}

const RESAMPLES = 1000;

/**
 * 95 % percentile-bootstrap intervals over people: each resample draws the evaluated people with replacement.
 * `mean` gives a figure's interval; `difference` the paired interval of a − b, both drawn on the same people
 * (the draws depend only on the seed and the number of people, so every figure of one run uses the same ones).
 */
export class PeopleBootstrap {
  private readonly draws: Int32Array[];

  constructor(
    readonly people: number,
    seed = 1,
    resamples = RESAMPLES,
  ) {
    const random = seededRandom(seed);
    this.draws = Array.from({ length: people === 0 ? 0 : resamples }, () => Int32Array.from({ length: people }, () => Math.floor(random() * people)));
  }

  mean(values: ArrayLike<number>): Interval {
    return this.interval(values, undefined);
  }

  difference(a: ArrayLike<number>, b: ArrayLike<number>): Interval {
    if (b.length !== a.length) throw new Error(`paired bootstrap needs the same people: ${a.length} values against ${b.length}`);
    return this.interval(a, b);
  }

  private interval(a: ArrayLike<number>, b: ArrayLike<number> | undefined): Interval {
    if (a.length !== this.people) throw new Error(`bootstrap over ${this.people} people given ${a.length} values`);
    const at = (k: number) => a[k]! - (b === undefined ? 0 : b[k]!);
    let total = 0;
    for (let k = 0; k < this.people; k++) total += at(k);
    const value = this.people === 0 ? 0 : total / this.people;
    const means = this.draws.map((draw) => {
      let sum = 0;
      for (let k = 0; k < draw.length; k++) sum += at(draw[k]!);
      return sum / draw.length;
    });
    means.sort((x, y) => x - y);
    if (means.length === 0) return { value, low: value, high: value };
    return { value, low: means[Math.floor(0.025 * (means.length - 1))]!, high: means[Math.ceil(0.975 * (means.length - 1))]! };
  }
}

/** "0.1012 [0.0951, 0.1077]": a figure and its interval, for terminals and tables. */
export function intervalText(interval: Interval, digits = 4): string {
  return `${interval.value.toFixed(digits)} [${interval.low.toFixed(digits)}, ${interval.high.toFixed(digits)}]`;
}
