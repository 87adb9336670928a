import { seededRandom } from '../../core/random.ts';
import type { WatchRatios } from './watch-ratio-model.ts';

export interface BiasedFactorizationOptions {
  /** Factors per person and per video (0: the biases alone). */
  factors: number;
  /** Passes over the training rows, each in a new random order. */
  epochs: number;
  learningRate: number;
  /** L2 penalty on biases and factors. */
  penalty: number;
  /** Ratios above this count as this much before the log. */
  clip: number;
  seed: number;
}

export const defaultBiasedFactorizationOptions: Omit<BiasedFactorizationOptions, 'factors' | 'penalty'> = {
  epochs: 20,
  learningRate: 0.01,
  clip: 10,
  seed: 1,
};

/**
 * The textbook biased matrix factorisation (Koren, Bell and Volinsky 2009): log(1 + clipped watch ratio) ≈
 * overall mean + person bias + video bias + person factors · video factors, fitted by stochastic gradient descent
 * on the squared error. The data README quotes it as KuaiRec's reference model, so it is measured here the same
 * way as every other baseline.
 */
export function trainBiasedFactorization(data: WatchRatios, options: BiasedFactorizationOptions): (user: number, item: number) => number {
  const { factors: k, epochs, learningRate: lr, penalty, clip } = options;
  const random = seededRandom(options.seed);
  const small = () => (random() - 0.5) * 0.1;
  const personFactors = Float64Array.from({ length: data.userCount * k }, small);
  const videoFactors = Float64Array.from({ length: data.itemCount * k }, small);
  const personBias = new Float64Array(data.userCount);
  const videoBias = new Float64Array(data.itemCount);
  const target = data.ratios.map((r) => Math.log1p(Math.min(r, clip)));
  const mean = target.reduce((sum, t) => sum + t, 0) / Math.max(1, target.length);
  const predict = (user: number, item: number): number => {
    let p = mean + (personBias[user] ?? 0) + (videoBias[item] ?? 0);
    if (user >= data.userCount || item >= data.itemCount) return p;
    for (let f = 0; f < k; f++) p += personFactors[user * k + f]! * videoFactors[item * k + f]!;
    return p;
  };
  const order = Int32Array.from({ length: target.length }, (_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const row of order) {
      const user = data.users[row]!;
      const item = data.items[row]!;
      const error = target[row]! - predict(user, item);
      personBias[user]! += lr * (error - penalty * personBias[user]!);
      videoBias[item]! += lr * (error - penalty * videoBias[item]!);
      for (let f = 0; f < k; f++) {
        const p = personFactors[user * k + f]!;
        const v = videoFactors[item * k + f]!;
        personFactors[user * k + f] = p + lr * (error * v - penalty * p);
        videoFactors[item * k + f] = v + lr * (error * p - penalty * v);
      }
    }
  }
  return predict;
}
