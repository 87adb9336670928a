import { FEED_SOURCES, type FeedConfig, type FeedSourceName } from '../app/config.ts';
import type { Catalog } from './catalog.ts';
import { alreadySeenFilter } from './filters/already-seen.ts';
import { keywordFilter } from './filters/keywords.ts';
import { languageFilter } from './filters/language.ts';
import { notInterestedFilter } from './filters/not-interested.ts';
import { regionFilter } from './filters/region.ts';
import { requestFilter } from './filters/request-filters.ts';
import { removedFilter } from './filters/removed.ts';
import type { LearnedModels } from './models.ts';
import { FeedPipeline, type CandidateSource } from './pipeline.ts';
import { DiverseReranker } from './rank/diverse-reranker.ts';
import { MultiTaskScorer } from './rank/multi-task-scorer.ts';
import { AffinitySource } from './sources/affinity.ts';
import { CatalogScanSource } from './sources/catalog-scan.ts';
import { CoEngagedSource } from './sources/co-engaged.ts';
import { ContentSimilarSource } from './sources/content-similar.ts';
import { EmbeddingNeighboursSource } from './sources/embedding-neighbours.ts';
import { ExploreSource } from './sources/explore.ts';
import { FollowedSource } from './sources/followed.ts';
import { ItemGraphSource } from './sources/item-graph.ts';
import { TrendingSource } from './sources/trending.ts';

/** The For You pipeline: which sources, filters, scorer and re-ranker make a page, and in what amounts. */
export function defaultPipeline(catalog: Catalog, models: LearnedModels, config: FeedConfig): FeedPipeline {
  const explore = new ExploreSource(catalog, models);
  const followed = new FollowedSource(catalog, models);
  const byName: Record<FeedSourceName, CandidateSource> = {
    followed,
    'item-graph': new ItemGraphSource(catalog, models),
    embedding: new EmbeddingNeighboursSource(catalog, models),
    'co-engaged': new CoEngagedSource(catalog, models),
    affinity: new AffinitySource(catalog, models),
    'content-similar': new ContentSimilarSource(catalog, models),
    trending: new TrendingSource(catalog, models),
  };
  const sources = FEED_SOURCES.filter((name) => config.sources[name] > 0).map((name) => ({ source: byName[name], limit: (n: number) => Math.ceil(n * config.sources[name]) }));
  return new FeedPipeline({
    sources: [...sources, { source: explore, limit: (n) => 2 * Math.ceil(n * config.exploreShare) + 2 }],
    fallback: new CatalogScanSource(catalog),
    filters: [removedFilter, alreadySeenFilter, regionFilter, requestFilter, notInterestedFilter(models), keywordFilter, languageFilter],
    scorer: new MultiTaskScorer(models, config.graphScoreWeight, config.scoreWeights),
    reranker: new DiverseReranker(catalog.embeddings, {
      exploreSources: new Set([explore.name]),
      exploreShare: config.exploreShare,
      isExploring: (videoId) => models.exploration.has(videoId),
      uniformExploreShare: config.uniformExploreShare,
      followedSource: followed.name,
      followedSlots: config.followedSlots,
      diversity: config.diversity,
    }),
  });
}
