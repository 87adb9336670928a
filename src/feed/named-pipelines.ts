import { popularPipeline, randomPipeline } from './baseline-pipelines.ts';
import type { Catalog } from './catalog.ts';
import { forYouPipeline, type ForYouSettings } from './for-you-pipeline.ts';
import type { LearnedModels } from './models.ts';
import type { FeedPipeline } from './pipeline.ts';
import type { FeedPipelineName } from './pipeline-names.ts';
import type { Safety } from '../safety/safety.ts';

/** What any pipeline may be built from. */
export interface PipelineParts {
  catalog: Catalog;
  models: LearnedModels;
  settings: ForYouSettings;
  /** The safety rules the for-you pipeline keeps to (undefined when they are off). */
  safety: Safety | undefined;
}

const BUILDERS: Record<FeedPipelineName, (parts: PipelineParts) => FeedPipeline> = {
  'for-you': ({ catalog, models, settings, safety }) => forYouPipeline(catalog, models, settings, safety),
  random: ({ catalog }) => randomPipeline(catalog),
  popular: ({ catalog, models }) => popularPipeline(catalog, models),
};

/** The pipeline configuration names. */
export function buildPipeline(name: FeedPipelineName, parts: PipelineParts): FeedPipeline {
  return BUILDERS[name](parts);
}
