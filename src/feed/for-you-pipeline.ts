import { FEED_SOURCES, type FeedSourceName } from './source-names.ts';
import type { Task } from '../learn/online/config.ts';
import type { Catalog } from './catalog.ts';
import { alreadySeenFilter } from './filters/already-seen.ts';
import { keywordFilter } from './filters/keywords.ts';
import { languageFilter } from './filters/language.ts';
import { notInterestedFilter } from './filters/not-interested.ts';
import { regionFilter } from './filters/region.ts';
import { requestFilter } from './filters/request-filters.ts';
import { removedFilter } from './filters/removed.ts';
import { safetyRestrictionsFilter } from './filters/safety-restrictions.ts';
import type { Safety } from '../safety/safety.ts';
import type { LearnedModels } from './models.ts';
import { FeedPipeline, type CandidateSource } from './pipeline.ts';
import { MultiTaskScorer } from './rank/multi-task-scorer.ts';
import { bestScored } from './select/best-scored.ts';
import { dispersalRule } from './select/dispersal-rule.ts';
import { explorationSlots } from './select/exploration-slots.ts';
import { followedSlots } from './select/followed-slots.ts';
import { noRepeatRule } from './select/no-repeat.ts';
import { SlotSelection } from './select/slot-selection.ts';
import { AffinitySource } from './sources/affinity.ts';
import { CatalogScanSource } from './sources/catalog-scan.ts';
import { CoEngagedSource } from './sources/co-engaged.ts';
import { ContentSimilarSource } from './sources/content-similar.ts';
import { EmbeddingNeighboursSource } from './sources/embedding-neighbours.ts';
import { ExploreSource } from './sources/explore.ts';
import { FollowedSource } from './sources/followed.ts';
import { ItemGraphSource } from './sources/item-graph.ts';
import { TrendingSource } from './sources/trending.ts';

/** The settings the For You pipeline reads (the engine's feed settings carry them, see src/app/config.ts). */
export interface ForYouSettings {
  exploreShare: number;
  uniformExploreShare: number;
  graphScoreWeight: number;
  diversity: number;
  followedSlots: number;
  /** Candidates each source proposes per slot of the page (0 leaves it out). */
  sources: Record<FeedSourceName, number>;
  scoreWeights: Record<Task, number>;
}

/**
 * The For You pipeline: which sources, filters, scorer and selection make a page, and in what amounts. With the
 * safety layer, moderation's reach limits are a filter and sensitive-topic dispersal a placement rule.
 */
export function forYouPipeline(catalog: Catalog, models: LearnedModels, config: ForYouSettings, safety?: Safety): FeedPipeline {
  const platformRules = [removedFilter, alreadySeenFilter, regionFilter];
  if (safety !== undefined) platformRules.push(safetyRestrictionsFilter((id) => safety.restrictionOf(id)));
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
  const sources = FEED_SOURCES.filter((name) => config.sources[name] > 0).map((name) => ({
    source: byName[name],
    limit: (n: number) => Math.ceil(n * config.sources[name]),
  }));
  return new FeedPipeline('for-you', {
    sources: [...sources, { source: explore, limit: (n) => 2 * Math.ceil(n * config.exploreShare) + 2 }],
    fallback: new CatalogScanSource(catalog),
    filters: [...platformRules, requestFilter, notInterestedFilter(models), keywordFilter, languageFilter],
    scorer: new MultiTaskScorer(models, config.graphScoreWeight, config.scoreWeights),
    selection: new SlotSelection({
      selectors: [
        followedSlots(followed.name, config.followedSlots),
        bestScored([explore.name]),
        explorationSlots({
          sources: [explore.name],
          share: config.exploreShare,
          isExploring: (videoId) => models.exploration.has(videoId),
          uniformShare: config.uniformExploreShare,
        }),
      ],
      rules: safety === undefined ? [noRepeatRule] : [noRepeatRule, dispersalRule(safety.dispersal)],
      diversity: { weight: config.diversity, embeddings: catalog.embeddings },
    }),
  });
}
