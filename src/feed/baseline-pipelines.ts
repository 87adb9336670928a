/**
 * Baseline feeds the engine is measured against (`feed.policy` in the config). They keep the platform's rules
 * (removed, already served, region) and the no-two-in-a-row rule, but read nothing about the person beyond what
 * they were already served and their region.
 */
import type { Catalog } from './catalog.ts';
import { alreadySeenFilter } from './filters/already-seen.ts';
import { regionFilter } from './filters/region.ts';
import { requestFilter } from './filters/request-filters.ts';
import { removedFilter } from './filters/removed.ts';
import type { LearnedModels } from './models.ts';
import { FeedPipeline } from './pipeline.ts';
import { SignalScorer } from './rank/signal-scorer.ts';
import { bestScored } from './select/best-scored.ts';
import { noRepeatRule } from './select/no-repeat.ts';
import { SlotSelection } from './select/slot-selection.ts';
import { CatalogScanSource } from './sources/catalog-scan.ts';
import { TrendingSource } from './sources/trending.ts';
import { UniformRandomSource } from './sources/uniform-random.ts';

const platformRules = [removedFilter, alreadySeenFilter, regionFilter, requestFilter];

/** Candidates in score order, never two in a row by the same creator or with the same sound. */
const inScoreOrder = new SlotSelection({ selectors: [bestScored()], rules: [noRepeatRule] });

/** Unseen videos drawn uniformly at random. */
export function randomPipeline(catalog: Catalog): FeedPipeline {
  return new FeedPipeline('random', {
    sources: [{ source: new UniformRandomSource(catalog), limit: (n) => 2 * n }],
    fallback: new CatalogScanSource(catalog),
    filters: platformRules,
    scorer: new SignalScorer('random'),
    selection: inScoreOrder,
  });
}

/** The most popular videos of the moment in the person's region (the engine's popular lists), the same for everyone there. */
export function popularPipeline(catalog: Catalog, models: LearnedModels): FeedPipeline {
  return new FeedPipeline('popular', {
    sources: [{ source: new TrendingSource(catalog, models), limit: (n) => 3 * n }],
    fallback: new CatalogScanSource(catalog),
    filters: platformRules,
    scorer: new SignalScorer('popularity'),
    selection: inScoreOrder,
  });
}
