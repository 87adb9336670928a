/** Engine settings with their defaults; every one can be overridden when opening the engine. */
export interface FeedConfig {
  defaultPageSize: number;
  maxPageSize: number;
  /** Share of each page given to exploration (fresh videos still looking for an audience). */
  exploreShare: number;
  /** A video stays in the fresh pool until it has been served this many times. */
  freshUntilServed: number;
  trendingHalfLifeMs: number;
  trendingRefreshMs: number;
  trendingKeep: number;
  /** Added to the score of videos by creators the person follows. */
  followedBoost: number;
  /** How fast a person's learned taste (affinities, interest vector) fades. */
  tasteHalfLifeMs: number;
  /** Weights of the personal signals in the score, next to trending (weight 1). */
  affinityWeight: number;
  similarityWeight: number;
}

export interface MoteurConfig {
  region: string;
  language: string;
  embeddingDim: number;
  feed: FeedConfig;
}

export const DEFAULT_CONFIG: MoteurConfig = {
  region: 'us',
  language: 'en',
  embeddingDim: 32,
  feed: {
    defaultPageSize: 10,
    maxPageSize: 50,
    exploreShare: 0.2,
    freshUntilServed: 50,
    trendingHalfLifeMs: 6 * 3600_000,
    trendingRefreshMs: 5000,
    trendingKeep: 2000,
    followedBoost: 2,
    tasteHalfLifeMs: 3 * 86_400_000,
    affinityWeight: 0.5,
    similarityWeight: 1,
  },
};

export type MoteurConfigOverrides = Partial<Omit<MoteurConfig, 'feed'>> & { feed?: Partial<FeedConfig> };

export function resolveConfig(overrides: MoteurConfigOverrides = {}): MoteurConfig {
  return { ...DEFAULT_CONFIG, ...overrides, feed: { ...DEFAULT_CONFIG.feed, ...overrides.feed } };
}
