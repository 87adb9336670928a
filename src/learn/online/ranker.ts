/**
 * The multi-task ranker: one small head per task over a shared feature vector, trained online with AdaGrad.
 * `watch` is a linear regression of relative watch (watch ratio over its duration bucket's mean, 0 when not
 * played), so a long video is not punished for being long; the other heads are logistic: P(like), P(share),
 * P(comment), P(follow), P(skip). The score is the configured weighted sum of the predictions.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';
import { TASKS, type Task } from './config.ts';
import { sigmoid } from './factorization.ts';
import { FEATURES } from './features.ts';

const F = FEATURES.length;
const H = TASKS.length;
const WATCH = 0;
const MAX_WATCH = 4;
const ADAGRAD_EPS = 1e-6;

export interface Contribution {
  signal: string;
  value: number;
  contribution: number;
}

export class MultiTaskRanker {
  private weights = new Float64Array(H * F);
  private squaredGradients = new Float64Array(H * F);
  private readonly weightVector: Float64Array;

  constructor(
    private readonly learningRate: number,
    readonly scoreWeights: Record<Task, number>,
  ) {
    this.weightVector = Float64Array.from(TASKS, (t) => scoreWeights[t]);
    // Start from sensible base rates: an ordinary watch, and rare explicit actions.
    this.weights[WATCH * F] = 0.5;
    for (let h = 1; h < H; h++) this.weights[h * F] = -2;
  }

  /** Predictions of every task for one feature vector, in `TASKS` order. */
  predict(x: Float32Array, out: Float64Array): Float64Array {
    for (let h = 0; h < H; h++) {
      let z = 0;
      for (let f = 0, o = h * F; f < F; f++) z += this.weights[o + f]! * x[f]!;
      out[h] = h === WATCH ? Math.min(Math.max(z, 0), MAX_WATCH) : sigmoid(z);
    }
    return out;
  }

  score(predictions: Float64Array): number {
    let s = 0;
    for (let h = 0; h < H; h++) s += this.weightVector[h]! * predictions[h]!;
    return s;
  }

  /** One AdaGrad step of every head towards its label (relative watch for `watch`, 0/1 for the others). */
  train(x: Float32Array, labels: Float64Array, scratch: Float64Array): void {
    this.predict(x, scratch);
    for (let h = 0; h < H; h++) {
      // Squared loss for watch (on the unclamped target), log loss for the rest: both give (label - prediction).
      const g = Math.min(labels[h]!, MAX_WATCH) - scratch[h]!;
      for (let f = 0, o = h * F; f < F; f++) {
        const xf = x[f]!;
        if (xf === 0) continue;
        const grad = g * xf;
        this.squaredGradients[o + f] = this.squaredGradients[o + f]! + grad * grad;
        this.weights[o + f] = this.weights[o + f]! + (this.learningRate * grad) / Math.sqrt(this.squaredGradients[o + f]! + ADAGRAD_EPS);
      }
    }
  }

  /**
   * How much each signal moved the score: Σ_task scoreWeight · slope · headWeight · value, where slope is
   * p(1 - p) for logistic heads (a first-order attribution) and 1 for watch. Strongest first, bias excluded.
   */
  contributions(x: Float32Array, predictions: Float64Array): Contribution[] {
    const out: Contribution[] = [];
    for (let f = 1; f < F; f++) {
      if (x[f] === 0) continue;
      let c = 0;
      for (let h = 0; h < H; h++) {
        const p = predictions[h]!;
        const slope = h === WATCH ? 1 : p * (1 - p);
        c += this.weightVector[h]! * slope * this.weights[h * F + f]! * x[f]!;
      }
      out.push({ signal: FEATURES[f]!, value: x[f]!, contribution: c });
    }
    return out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  }

  write(w: ByteWriter): void {
    w.array(this.weights);
    w.array(this.squaredGradients);
  }

  read(r: ByteReader): void {
    this.weights = r.f64s();
    this.squaredGradients = r.f64s();
  }
}
