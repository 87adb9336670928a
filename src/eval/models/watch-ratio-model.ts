import { invertSymmetricPositiveDefinite } from '../../learn/batch/spd-inverse.ts';

/** Observed watch ratios (play time / duration) as parallel arrays: row k says user users[k] watched items[k] for ratios[k]. */
export interface WatchRatios {
  readonly userCount: number;
  readonly itemCount: number;
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly ratios: Float64Array;
}

export interface WatchRatioModelOptions {
  /** Ratios above this count as this much: a few replays should not outweigh everything else. */
  clip: number;
  /** A ratio at or above this is a "like" (KuaiRec's own definition uses 2). */
  likeThreshold: number;
  /** Weight of the like head (user + video like-rate biases) next to the watch head. */
  likeWeight: number;
  /**
   * Extra weight on the person's like-rate bias alone. It moves all of a person's scores together, so it leaves
   * the order of their own videos as it is and only makes scores comparable across people (what a pooled AUC or a
   * threshold on the score needs).
   */
  userLikeWeight: number;
  /** Pseudo-count pulling each video's statistics toward the overall mean. */
  itemShrinkage: number;
  /** Pseudo-count pulling each person's like-rate bias toward zero. */
  userShrinkage: number;
  /** Ridge strength pulling each person's weights on the video statistics toward everyone's weights. */
  personalPrior: number;
}

export const defaultWatchRatioOptions: WatchRatioModelOptions = {
  clip: 5,
  likeThreshold: 2,
  likeWeight: 1,
  userLikeWeight: 4,
  itemShrinkage: 5,
  userShrinkage: 1,
  personalPrior: 30,
};

export interface WatchRatioModel {
  predict(user: number, item: number): number;
}

/**
 * Predicts how much of a video a person will watch, in two heads added together:
 * - watch: each video is described by statistics of how everyone else watched it (mean clipped ratio, like
 *   rate, mean log ratio, completion rate; shrunk toward the overall mean), and each person gets their own
 *   linear weights on those statistics plus an intercept, by ridge regression pulled toward everyone's weights.
 *   So a person who rewards replayable clips more than average, or who finishes everything, is ranked for that.
 *   While fitting, a person's own row is left out of the video's statistics, so the weights are not learned
 *   from an echo of the target.
 * - like: shrunk user and video biases of the like indicator (ratio ≥ likeThreshold), fitted by alternating
 *   exact minimisation; the person's bias, weighted again on its own, carries their general tendency to replay,
 *   which matters when scores are compared across people.
 * Deterministic: no sampling, closed-form solves.
 */
export function trainWatchRatioModel(data: WatchRatios, options: WatchRatioModelOptions): WatchRatioModel {
  const clipped = data.ratios.map((r) => Math.min(r, options.clip));
  const liked = data.ratios.map((r) => (r >= options.likeThreshold ? 1 : 0));
  const stats = videoStatistics(data, clipped, liked, options);
  const weights = personalWeights(data, clipped, stats, options.personalPrior);
  const like = fitBiases(data, liked, options.userShrinkage, options.itemShrinkage);
  const x = new Float64Array(STATISTICS);
  return {
    predict(user, item) {
      stats.fill(item, undefined, x);
      const w = user < data.userCount && weights.fitted[user] ? weights.personal.subarray(user * WIDTH, (user + 1) * WIDTH) : weights.global;
      let watch = w[STATISTICS]!;
      for (let s = 0; s < STATISTICS; s++) watch += w[s]! * x[s]!;
      const userLike = like.user[user] ?? 0;
      return watch + options.likeWeight * (like.mean + userLike + (like.item[item] ?? 0)) + options.userLikeWeight * userLike;
    },
  };
}

/** Video statistics: mean clipped ratio, like rate, mean log(1 + clipped ratio), completion rate (ratio ≥ 1). */
const STATISTICS = 4;
/** Weights on the statistics plus an intercept. */
const WIDTH = STATISTICS + 1;

interface VideoStatistics {
  /** Writes the video's centred, shrunk statistics into out; with `without` = a row of that video, that row is left out. */
  fill(item: number, without: number | undefined, out: Float64Array): void;
}

function videoStatistics(data: WatchRatios, clipped: Float64Array, liked: Float64Array, options: WatchRatioModelOptions): VideoStatistics {
  const targets = [clipped, liked, clipped.map(Math.log1p), data.ratios.map((r) => (r >= 1 ? 1 : 0))];
  const sums = new Float64Array(data.itemCount * STATISTICS);
  const counts = new Float64Array(data.itemCount);
  const means = targets.map((t) => (t.length === 0 ? 0 : t.reduce((a, b) => a + b, 0) / t.length));
  for (let k = 0; k < data.items.length; k++) {
    const item = data.items[k]!;
    counts[item]!++;
    for (let s = 0; s < STATISTICS; s++) sums[item * STATISTICS + s]! += targets[s]![k]!;
  }
  const shrink = options.itemShrinkage;
  return {
    fill(item, without, out) {
      const known = item < data.itemCount;
      const own = without === undefined ? 0 : 1;
      const count = (known ? counts[item]! : 0) - own + shrink;
      for (let s = 0; s < STATISTICS; s++) {
        const sum = (known ? sums[item * STATISTICS + s]! : 0) - (own ? targets[s]![without!]! : 0);
        out[s] = count > 0 ? (sum + shrink * means[s]!) / count - means[s]! : 0;
      }
    },
  };
}

/** Everyone's weights (ordinary least squares, tiny ridge) and each person's, pulled toward them. */
function personalWeights(data: WatchRatios, clipped: Float64Array, stats: VideoStatistics, prior: number) {
  const rowsOf: number[][] = Array.from({ length: data.userCount }, () => []);
  for (let k = 0; k < data.users.length; k++) rowsOf[data.users[k]!]!.push(k);
  const x = new Float64Array(WIDTH);
  const solve = (rows: Iterable<number>, toward: Float64Array | undefined, strength: number): Float64Array => {
    const a = new Float64Array(WIDTH * WIDTH);
    const b = new Float64Array(WIDTH);
    for (const k of rows) {
      stats.fill(data.items[k]!, k, x);
      x[STATISTICS] = 1;
      for (let i = 0; i < WIDTH; i++) {
        b[i]! += x[i]! * clipped[k]!;
        for (let j = 0; j < WIDTH; j++) a[i * WIDTH + j]! += x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < WIDTH; i++) {
      a[i * WIDTH + i]! += i < STATISTICS ? strength : 1e-6; // the intercept is free
      if (toward && i < STATISTICS) b[i]! += strength * toward[i]!;
    }
    const inverse = invertSymmetricPositiveDefinite(a, WIDTH);
    return Float64Array.from({ length: WIDTH }, (_, i) => {
      let s = 0;
      for (let j = 0; j < WIDTH; j++) s += inverse[i * WIDTH + j]! * b[j]!;
      return s;
    });
  };
  const global = solve(data.users.keys(), undefined, 1e-3);
  const personal = new Float64Array(data.userCount * WIDTH);
  const fitted = rowsOf.map((rows) => rows.length > 0);
  rowsOf.forEach((rows, user) => rows.length > 0 && personal.set(solve(rows, global, prior), user * WIDTH));
  return { global, personal, fitted };
}

interface Biases {
  mean: number;
  user: Float64Array;
  item: Float64Array;
}

const SWEEPS = 10;

function fitBiases(data: WatchRatios, target: Float64Array, userShrinkage: number, itemShrinkage: number): Biases {
  const n = target.length;
  const mean = n === 0 ? 0 : target.reduce((a, b) => a + b, 0) / n;
  const user = new Float64Array(data.userCount);
  const item = new Float64Array(data.itemCount);
  const userSum = new Float64Array(data.userCount);
  const itemSum = new Float64Array(data.itemCount);
  const userCount = new Float64Array(data.userCount);
  const itemCount = new Float64Array(data.itemCount);
  for (let k = 0; k < n; k++) {
    userCount[data.users[k]!]!++;
    itemCount[data.items[k]!]!++;
  }
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    itemSum.fill(0);
    for (let k = 0; k < n; k++) itemSum[data.items[k]!]! += target[k]! - mean - user[data.users[k]!]!;
    for (let i = 0; i < item.length; i++) item[i] = itemSum[i]! / (itemCount[i]! + itemShrinkage);
    userSum.fill(0);
    for (let k = 0; k < n; k++) userSum[data.users[k]!]! += target[k]! - mean - item[data.items[k]!]!;
    for (let u = 0; u < user.length; u++) user[u] = userSum[u]! / (userCount[u]! + userShrinkage);
  }
  return { mean, user, item };
}
