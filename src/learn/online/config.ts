/** Settings of the online learners, with their defaults. Every one can be overridden; bad values are refused. */
import { invalid } from '../../core/errors.ts';

export const TASKS = ['watch', 'like', 'share', 'comment', 'follow', 'skip'] as const;
export type Task = (typeof TASKS)[number];

export interface OnlineConfig {
  /** Seeds every random draw: the same events with the same seed give byte-identical snapshots. */
  seed: number;
  /** Dimension of the learned user and video embeddings. */
  dim: number;
  /** Dimension of `Video.embedding` (content vectors); other lengths are ignored. */
  contentDim: number;
  users: { admitAfter: number; ttlMs: number };
  videos: { admitAfter: number; ttlMs: number };
  /** Eviction, closing of stale exposures and refresh of content-derived vectors run every this many events. */
  sweepEveryEvents: number;
  factorization: {
    learningRate: number;
    regularization: number;
    /** Learning rate of the projection from content vectors to item vectors. */
    projectionLearningRate: number;
    /** Uniformly sampled catalog videos treated as negatives for each positive event. */
    randomNegatives: number;
    randomNegativeWeight: number;
    /** Share of impressions that never led to a play which become a negative example. */
    unplayedImpressionRate: number;
    unplayedImpressionWeight: number;
  };
  /** Weight of each event in the factorisation; plays are scaled by their watch ratio. */
  eventWeights: { play: number; like: number; share: number; comment: number; follow: number; skip: number; not_interested: number; report: number };
  /** Change of a person's affinity to a creator, hashtag or sound per event; plays add `play * (relative watch - 1)`. */
  tasteDeltas: { play: number; like: number; share: number; comment: number; follow: number; skip: number; not_interested: number; report: number };
  tasteHalfLifeMs: number;
  tasteKeysPerUser: number;
  statsHalfLifeMs: number;
  freshnessHalfLifeMs: number;
  swing: {
    /** Smoothing of the user-pair overlap: a pair contributes 1 / (alpha + shared items). */
    alpha: number;
    recentPositivesPerUser: number;
    /** Positives kept per person for the item graph (src/learn/retrained/), beyond Swing's window. */
    positivesPerUser: number;
    recentUsersPerItem: number;
    neighboursPerItem: number;
  };
  /** An exposure (a video shown to a person) collects its labels for this long, then trains the ranker. */
  exposure: { windowMs: number; openPerUser: number };
  ranker: { learningRate: number };
  /** The final score: a weighted sum of the ranker's predictions. */
  scoreWeights: Record<Task, number>;
  /** Newest videos kept per creator, hashtag and sound for affinity candidates. */
  recentVideosPerKey: number;
  /** HNSW settings; below `from` catalog videos, nearest-neighbour search is exact. */
  ann: { from: number; m: number; efConstruction: number; efSearch: number };
}

export const DEFAULT_ONLINE_CONFIG: OnlineConfig = {
  seed: 1,
  dim: 32,
  contentDim: 32,
  users: { admitAfter: 2, ttlMs: 30 * 86_400_000 },
  videos: { admitAfter: 3, ttlMs: 30 * 86_400_000 },
  sweepEveryEvents: 200_000,
  factorization: {
    learningRate: 0.05,
    regularization: 0.002,
    projectionLearningRate: 0.01,
    randomNegatives: 1,
    randomNegativeWeight: 0.5,
    unplayedImpressionRate: 0.5,
    unplayedImpressionWeight: 0.3,
  },
  eventWeights: { play: 1, like: 1, share: 1.5, comment: 0.5, follow: 1.5, skip: 0.5, not_interested: 2, report: 2 },
  tasteDeltas: { play: 0.5, like: 1, share: 1.5, comment: 0.5, follow: 1.5, skip: -0.5, not_interested: -3, report: -3 },
  tasteHalfLifeMs: 7 * 86_400_000,
  tasteKeysPerUser: 300,
  statsHalfLifeMs: 3 * 86_400_000,
  freshnessHalfLifeMs: 2 * 86_400_000,
  swing: { alpha: 1, recentPositivesPerUser: 30, positivesPerUser: 1000, recentUsersPerItem: 20, neighboursPerItem: 50 },
  exposure: { windowMs: 30 * 60_000, openPerUser: 16 },
  ranker: { learningRate: 0.05 },
  scoreWeights: { watch: 1, like: 1, share: 2, comment: 0.5, follow: 3, skip: -1 },
  recentVideosPerKey: 50,
  ann: { from: 20_000, m: 16, efConstruction: 100, efSearch: 256 },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };
export type OnlineConfigOverrides = DeepPartial<OnlineConfig>;

/** Defaults with the overrides laid over them, in the defaults' key order (snapshots embed the result). */
export function resolveOnlineConfig(overrides: OnlineConfigOverrides = {}): OnlineConfig {
  const out: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(DEFAULT_ONLINE_CONFIG)) {
    const given = (overrides as Record<string, unknown>)[key];
    out[key] = typeof fallback === 'object' ? mergeGroup(key, fallback as Record<string, number>, given) : checkNumber(key, given ?? fallback);
  }
  for (const key of Object.keys(overrides)) if (!(key in DEFAULT_ONLINE_CONFIG)) throw invalid(key, 'is not a learner setting');
  const config = out as unknown as OnlineConfig;
  for (const key of ['dim', 'contentDim', 'sweepEveryEvents', 'tasteKeysPerUser', 'recentVideosPerKey'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw invalid(key, 'must be a positive integer');
  }
  return config;
}

function mergeGroup(group: string, fallback: Record<string, number>, given: unknown): Record<string, number> {
  if (given !== undefined && (typeof given !== 'object' || given === null)) throw invalid(group, 'must be an object');
  const overrides = (given ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(overrides)) if (!(key in fallback)) throw invalid(`${group}.${key}`, 'is not a learner setting');
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(fallback)) out[key] = checkNumber(`${group}.${key}`, overrides[key] ?? value);
  return out;
}

function checkNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'must be a finite number');
  return value;
}
