/**
 * The ranker's shared features for a (person, video) pair, each bounded to a small range so one learning
 * rate suits them all. A `PersonFeatures` is prepared once per person and filled per candidate.
 */
import type { OnlineConfig } from './config.ts';
import { decay } from './decay.ts';
import { DURATION_BOUNDS_MS, DURATION_BUCKETS, durationBucket } from './duration-baseline.ts';
import type { Factorization } from './factorization.ts';
import type { Swing } from './swing.ts';
import type { Taste, TasteProfiles } from './taste.ts';
import type { VideoCatalog } from './video-catalog.ts';
import type { Counter, VideoCounters } from './video-counters.ts';

const durationNames = Array.from({ length: DURATION_BUCKETS }, (_, b) =>
  b < DURATION_BOUNDS_MS.length ? `duration≤${DURATION_BOUNDS_MS[b]! / 1000}s` : `duration>${DURATION_BOUNDS_MS[b - 1]! / 1000}s`,
);

export const FEATURES = [
  'bias',
  'embeddingMatch',
  'creatorAffinity',
  'hashtagAffinity',
  'soundAffinity',
  'coEngagement',
  'popularity',
  'playRate',
  'likeRate',
  'shareRate',
  'commentRate',
  'followRate',
  'skipRate',
  'videoRelativeWatch',
  'freshness',
  'followsCreator',
  ...durationNames,
] as const;

const DURATION_AT = FEATURES.length - DURATION_BUCKETS;
/** Smoothed rates: (count + prior · strength) / (exposures + strength). */
const PRIOR_STRENGTH = 5;
const RATES: { counter: Counter; prior: number }[] = [
  { counter: 'plays', prior: 0.5 },
  { counter: 'likes', prior: 0.05 },
  { counter: 'shares', prior: 0.01 },
  { counter: 'comments', prior: 0.02 },
  { counter: 'follows', prior: 0.01 },
  { counter: 'skips', prior: 0.2 },
];

export interface LearnedState {
  config: OnlineConfig;
  catalog: VideoCatalog;
  factorization: Factorization;
  taste: TasteProfiles;
  swing: Swing;
  counters: VideoCounters;
}

export class PersonFeatures {
  private readonly userVector: Float32Array | undefined;
  /** Wᵀ · u, computed on the first candidate that has no row of its own. */
  private userThroughProjection: Float32Array | undefined;
  /** Made once per person, not once per candidate. */
  private readonly throughProjection = () => (this.userThroughProjection ??= this.state.factorization.throughProjection(this.userVector!));
  private readonly taste: Taste | undefined;
  private readonly stamp: number;

  /** Prepares a person's side; use it before the learners change again (it holds scratch marks). */
  /** `userId` undefined: an anonymous visitor, for whom every personal feature is 0. */
  constructor(
    private readonly state: LearnedState,
    userId: string | undefined,
    private readonly now: number,
  ) {
    const row = userId === undefined ? undefined : state.factorization.users.row(userId);
    this.userVector = row === undefined ? undefined : state.factorization.users.vector(row);
    this.taste = userId === undefined ? undefined : state.taste.get(userId);
    this.stamp = state.swing.stamp(userId === undefined ? [] : state.swing.recentPositives(userId));
  }

  fill(slot: number, x: Float32Array): Float32Array {
    const { catalog, factorization, taste, swing, counters, config } = this.state;
    const video = catalog.get(slot);
    x.fill(0);
    x[0] = 1;
    if (this.userVector !== undefined) {
      const user = this.userVector;
      const logit = factorization.logitFast(user, this.throughProjection, slot);
      x[1] = clamp(logit, -8, 8) / 4;
    }
    if (this.taste !== undefined) {
      // keys: the creator first, then the hashtags, then the sound if any (see keysOf).
      const keys = video.keys;
      const tagsEnd = 1 + video.hashtags.length;
      x[2] = Math.tanh(taste.value(this.taste, keys[0]!, this.now) / 2);
      let tags = 0;
      for (let k = 1; k < tagsEnd; k++) tags += taste.value(this.taste, keys[k]!, this.now);
      x[3] = Math.tanh(tags / 3);
      if (keys.length > tagsEnd) x[4] = Math.tanh(taste.value(this.taste, keys[tagsEnd]!, this.now) / 2);
      x[15] = this.taste.follows.has(video.creatorId) ? 1 : 0;
    }
    x[5] = Math.tanh(5 * swing.scoreAgainst(slot, this.stamp));
    const exposures = counters.get(slot, 'exposures');
    const plays = counters.get(slot, 'plays');
    x[6] = Math.log1p(plays) / 10;
    for (let i = 0; i < RATES.length; i++) {
      const { counter, prior } = RATES[i]!;
      x[7 + i] = (counters.get(slot, counter) + prior * PRIOR_STRENGTH) / (exposures + PRIOR_STRENGTH);
    }
    x[13] = clamp((counters.get(slot, 'relativeWatch') + 3) / (plays + 3) - 1, -1, 2);
    x[14] = decay(this.now - video.createdAt, config.freshnessHalfLifeMs);
    x[DURATION_AT + durationBucket(video.durationMs)] = 1;
    return x;
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}
