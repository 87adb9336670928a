/** Engine settings with their defaults; every one can be overridden when opening the engine. */
import { FEED_PIPELINES, type FeedPipelineName } from '../feed/pipeline-names.ts';
import { FEED_SOURCES, type FeedSourceName } from '../feed/source-names.ts';
import { DEFAULT_GORSE_MAPPING, type GorseMapping } from '../gorse/mapping.ts';
import { DEFAULT_ONLINE_CONFIG, type Task } from '../learn/online/config.ts';
import type { GraphUpkeep } from '../learn/retrained/background-graph.ts';
import { DEFAULT_ITEM_GRAPH, type ItemGraphOptions } from '../learn/retrained/item-graph.ts';
import { DEFAULT_GRAPH_WEIGHTS, type GraphWeights } from '../learn/retrained/person-graph-scores.ts';
import { DEFAULT_SAFETY, type SafetyConfig } from '../safety/config.ts';

/**
 * Which pipeline builds the feed: the engine's own (`for-you`), or a baseline it is measured against:
 * `random` (unseen videos drawn uniformly) and `popular` (the most engaged videos in the person's region).
 */
export const FEED_POLICIES = FEED_PIPELINES;
export type FeedPolicy = FeedPipelineName;

export interface FeedConfig {
  policy: FeedPolicy;
  defaultPageSize: number;
  maxPageSize: number;
  /** Share of each page given to exploration (new videos looking for an audience). */
  exploreShare: number;
  /**
   * Share of the exploration slots given to the exploration pool's own draws (uniform for a video's guaranteed
   * audience, Thompson sampling after); the others go to the new video the person's scores rank best.
   */
  uniformExploreShare: number;
  /** Times a new video is served before it has to earn more exposure by being watched through and liked. */
  guaranteedAudience: number;
  /** Times served after which a video leaves the exploration pool and competes with every other. */
  exploreMaxAudience: number;
  /** A play of at least this share of a video counts as a completion for exploration. */
  completionRatio: number;
  /** Weight of a new video's sampled like rate next to its sampled completion rate. */
  exploreLikeWeight: number;
  /** Popular videos kept per region. */
  trendingKeep: number;
  /** The score: a weighted sum of the multi-task ranker's predictions... */
  scoreWeights: Record<Task, number>;
  /** ...plus the item graph's score for the person (in [0, 1], plus EASE's share on small catalogs) times this weight. */
  graphScoreWeight: number;
  /** How the item graph's views add up to a person's graph score. */
  graphWeights: GraphWeights;
  /** Maximal marginal relevance: how much a candidate's similarity to what is already on the page costs it (0 = none). */
  diversity: number;
  /** Slots per page kept for the best video of a followed creator, when there is one. */
  followedSlots: number;
  /**
   * The For You pipeline's candidate sources by name, each with the candidates it proposes per slot of the page
   * (0 leaves it out); exploration's own share is `exploreShare`.
   */
  sources: Record<FeedSourceName, number>;
}

export { FEED_SOURCES, type FeedSourceName };

export interface LearningConfig {
  /** Seeds every random draw of the learners: the same log with the same seed gives the same models. */
  seed: number;
  /** Where the model snapshot lives; without one, the engine rebuilds from the whole log at every start. */
  snapshotPath: string | undefined;
  /** A snapshot is written this often while events arrive, and at close. */
  snapshotEveryMs: number;
  /** Changed item vectors are put into the vector index this often, a bounded chunk at a time. */
  maintenanceEveryMs: number;
  /** The popular lists are recomputed this often while events arrive (a pass over every engaged video). */
  popularRefreshMs: number;
  /**
   * Acknowledged events may wait this many at most to be learned: past it, an ingest call answers only once the
   * learners have caught up, so the lag a feed makes up before serving stays short.
   */
  maxPendingEvents: number;
  /** Step size of the online factorisation that learns the person and video vectors. */
  learningRate: number;
  /** Step size of the multi-task ranker (AdaGrad). */
  rankerLearningRate: number;
  /** The item graph retrained from everyone's engagements in the background (src/learn/retrained/). */
  itemGraph: ItemGraphOptions;
  graphUpkeep: GraphUpkeep;
}

/** A live experiment: people split between named variants (each a change to the feed's settings) by a hash of their id and the experiment's name. */
export interface Experiment {
  name: string;
  variants: { name: string; feed: Partial<FeedConfig> }[];
}

export interface MoteurConfig {
  region: string;
  language: string;
  embeddingDim: number;
  feed: FeedConfig;
  learning: LearningConfig;
  experiments: Experiment[];
  /** Reports, reach limits, minors and sensitive-topic dispersal (src/safety/, docs/safety.md). */
  safety: SafetyConfig;
  /** How the Gorse-compatible API at /api maps items and feedback onto videos and events (src/gorse/). */
  gorse: GorseMapping;
}

export const DEFAULT_CONFIG: MoteurConfig = {
  region: 'us',
  language: 'en',
  embeddingDim: 32,
  feed: {
    policy: 'for-you',
    defaultPageSize: 10,
    maxPageSize: 50,
    exploreShare: 0.2,
    uniformExploreShare: 0.25,
    guaranteedAudience: 50,
    exploreMaxAudience: 500,
    completionRatio: 0.9,
    exploreLikeWeight: 2,
    trendingKeep: 2000,
    scoreWeights: { watch: 1, like: 1, share: 2, comment: 0.5, follow: 3, skip: -1 },
    graphScoreWeight: 1,
    graphWeights: DEFAULT_GRAPH_WEIGHTS,
    diversity: 0.05,
    followedSlots: 1,
    sources: { followed: 0.5, 'item-graph': 3, embedding: 3, 'co-engaged': 2, affinity: 2, 'content-similar': 2, trending: 3 },
  },
  learning: {
    seed: 1,
    snapshotPath: undefined,
    snapshotEveryMs: 30 * 60_000,
    maintenanceEveryMs: 250,
    popularRefreshMs: 1000,
    maxPendingEvents: 2000,
    learningRate: DEFAULT_ONLINE_CONFIG.factorization.learningRate,
    rankerLearningRate: DEFAULT_ONLINE_CONFIG.ranker.learningRate,
    itemGraph: DEFAULT_ITEM_GRAPH,
    graphUpkeep: { quietMs: 1000, maxStaleMs: 60_000, workerFrom: 50_000, automatic: true },
  },
  experiments: [],
  safety: DEFAULT_SAFETY,
  gorse: DEFAULT_GORSE_MAPPING,
};

export type MoteurConfigOverrides = Partial<Omit<MoteurConfig, 'feed' | 'learning' | 'safety' | 'gorse'>> & {
  feed?: Partial<FeedConfig>;
  learning?: Partial<LearningConfig>;
  safety?: Partial<SafetyConfig>;
  gorse?: Partial<GorseMapping>;
};

export function resolveConfig(overrides: MoteurConfigOverrides = {}): MoteurConfig {
  return {
    ...DEFAULT_CONFIG,
    ...overrides,
    feed: { ...DEFAULT_CONFIG.feed, ...overrides.feed },
    learning: { ...DEFAULT_CONFIG.learning, ...overrides.learning },
    safety: { ...DEFAULT_CONFIG.safety, ...overrides.safety },
    gorse: { ...DEFAULT_CONFIG.gorse, ...overrides.gorse },
  };
}

/** The configuration's engine settings on a node of a shared store: in the store's home region, with the node's own model snapshot file. */
export function nodeConfig(overrides: MoteurConfigOverrides, region: string | undefined, snapshotPath: string): MoteurConfigOverrides {
  return { ...overrides, ...(region !== undefined && { region }), learning: { ...overrides.learning, snapshotPath } };
}
