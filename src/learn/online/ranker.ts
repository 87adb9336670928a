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
import { allFinite, allFloat32 } from '../../core/float32.ts';
import { droppedUpdates } from './finite.ts';

const F = FEATURES.length;
const H = TASKS.length;
const WATCH = 0;
const MAX_WATCH = 4;
const ADAGRAD_EPS = 1e-6;

type Feature = (typeof FEATURES)[number];
const PERSONAL = { embeddingMatch: 0.5, creatorAffinity: 0.3, hashtagAffinity: 0.3, soundAffinity: 0.3, coEngagement: 0.3 };
/**
 * Initial weights: base rates, each task's own smoothed rate for the video, and the personal match. The like
 * head has no prior on the video's like rate: a fixed slope that fits a 5 % like rate predicts 0.9 for a
 * video liked on half its plays, and training then corrects the excess through every feature that is on,
 * the personal ones included, until the head ranks against the person's match. Its weight is learned.
 */
const PRIORS: Record<Task, Partial<Record<Feature, number>>> = {
  watch: { bias: 0.3, playRate: 0.5, videoRelativeWatch: 0.5, followsCreator: 0.5, ...PERSONAL },
  like: { bias: -3.5, followsCreator: 0.5, ...PERSONAL },
  share: { bias: -4.5, shareRate: 20 },
  comment: { bias: -4, commentRate: 20 },
  follow: { bias: -4.5, followRate: 20 },
  skip: { bias: -2.5, skipRate: 5, embeddingMatch: -0.5, creatorAffinity: -0.3, hashtagAffinity: -0.3, soundAffinity: -0.3 },
};

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
    scoreWeights: Record<Task, number>,
  ) {
    this.weightVector = Float64Array.from(TASKS, (t) => scoreWeights[t]);
    // Start from a hand-set prior rather than zeros, so a cold ranker already ranks like a sensible blend
    // (a video's own rates, the person's match and affinities); training moves every weight from there.
    for (const [task, prior] of Object.entries(PRIORS)) {
      const h = TASKS.indexOf(task as Task);
      for (const [feature, weight] of Object.entries(prior)) this.weights[h * F + FEATURES.indexOf(feature as Feature)] = weight!;
    }
  }

  setScoreWeights(scoreWeights: Record<Task, number>): void {
    TASKS.forEach((t, h) => (this.weightVector[h] = scoreWeights[t]));
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

  /** The weighted sum of the predictions: with the configured weights, or others in `TASKS` order (a live experiment's). */
  score(predictions: Float64Array, weights: ArrayLike<number> = this.weightVector): number {
    let s = 0;
    for (let h = 0; h < H; h++) s += weights[h]! * predictions[h]!;
    return s;
  }

  /** One AdaGrad step of every head towards its label (relative watch for `watch`, 0/1 for the others). */
  train(x: Float32Array, labels: Float64Array, scratch: Float64Array): void {
    // Every step is bounded by the learning rate (AdaGrad), so finite inputs keep the weights finite.
    if (!allFloat32(x) || !allFinite(labels)) {
      droppedUpdates.drop('ranker step', 'a ranker example');
      return;
    }
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

  /** Whether every weight (and AdaGrad sum) is finite. */
  holdsFiniteOnly(): boolean {
    return allFinite(this.weights) && allFinite(this.squaredGradients);
  }

  /**
   * How much each signal moved the score: Σ_task scoreWeight · slope · headWeight · value, where slope is
   * p(1 - p) for logistic heads (a first-order attribution) and 1 for watch. Strongest first, bias excluded.
   */
  contributions(x: Float32Array, predictions: Float64Array, weights: ArrayLike<number> = this.weightVector): Contribution[] {
    const out: Contribution[] = [];
    for (let f = 1; f < F; f++) {
      if (x[f] === 0) continue;
      let c = 0;
      for (let h = 0; h < H; h++) {
        const p = predictions[h]!;
        const slope = h === WATCH ? 1 : p * (1 - p);
        c += weights[h]! * slope * this.weights[h * F + f]! * x[f]!;
      }
      out.push({ signal: FEATURES[f]!, value: x[f]!, contribution: c });
    }
    return out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  }

  /** The learned parameters, shared with the ranker (a model delta reads and adds to them). */
  get parameters(): readonly [Float64Array, Float64Array] {
    return [this.weights, this.squaredGradients];
  }

  /** Adds another replica's increments (a model delta's); false, and nothing added, when their shape is not this ranker's. */
  addIncrement(weights: Float64Array, squaredGradients: Float64Array): boolean {
    if (weights.length !== this.weights.length || squaredGradients.length !== this.squaredGradients.length) return false;
    for (let i = 0; i < this.weights.length; i++) {
      this.weights[i] = this.weights[i]! + weights[i]!;
      this.squaredGradients[i] = this.squaredGradients[i]! + squaredGradients[i]!;
    }
    return true;
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
