import type { FeedConfig } from '../app/config.ts';
import type { VideoStats } from '../learn/signals/video-stats.ts';
import type { Catalog } from './catalog.ts';
import { alreadySeenFilter } from './filters/already-seen.ts';
import { keywordFilter } from './filters/keywords.ts';
import { notInterestedFilter } from './filters/not-interested.ts';
import { regionFilter } from './filters/region.ts';
import { removedFilter } from './filters/removed.ts';
import { FeedPipeline } from './pipeline.ts';
import { BlendedScorer } from './rank/blended-scorer.ts';
import { SlottedDiverseReranker } from './rank/slotted-diverse-reranker.ts';
import { AffinitySource } from './sources/affinity.ts';
import { CatalogScanSource } from './sources/catalog-scan.ts';
import { FollowedSource } from './sources/followed.ts';
import { FreshSource } from './sources/fresh.ts';
import { SimilarContentSource } from './sources/similar-content.ts';
import { TrendingSource } from './sources/trending.ts';

/** The For You pipeline: which sources, filters, scorer and re-ranker make a page, and in what amounts. */
export function defaultPipeline(catalog: Catalog, stats: VideoStats, config: FeedConfig): FeedPipeline {
  return new FeedPipeline({
    sources: [
      { source: new FollowedSource(catalog), limit: (n) => Math.ceil(n / 2) },
      { source: new AffinitySource(catalog), limit: (n) => 2 * n },
      { source: new SimilarContentSource(catalog), limit: (n) => 2 * n },
      { source: new TrendingSource(catalog, stats, { refreshMs: config.trendingRefreshMs, keep: config.trendingKeep }), limit: (n) => 4 * n },
      { source: new FreshSource(catalog, stats), limit: (n) => 2 * Math.ceil(n * config.exploreShare) + 2 },
    ],
    fallback: new CatalogScanSource(catalog),
    filters: [removedFilter, alreadySeenFilter, regionFilter, notInterestedFilter, keywordFilter],
    scorer: new BlendedScorer(catalog, stats, config),
    reranker: new SlottedDiverseReranker(new Set(['fresh']), config.exploreShare),
  });
}
