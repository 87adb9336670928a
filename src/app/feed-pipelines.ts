/** The feed pipeline each person is served by: the one configuration names (`feed.policy`), or their variant's in live experiments. */
import type { Catalog } from '../feed/catalog.ts';
import type { LearnedModels } from '../feed/models.ts';
import { buildPipeline } from '../feed/named-pipelines.ts';
import type { FeedPipeline } from '../feed/pipeline.ts';
import type { Safety } from '../safety/safety.ts';
import type { MoteurConfig, FeedConfig } from './config.ts';
import { assign, type Assignment } from './experiments.ts';

function pipelineFor(catalog: Catalog, models: LearnedModels, feed: FeedConfig, safety: Safety | undefined): FeedPipeline {
  return buildPipeline(feed.policy, { catalog, models, settings: feed, safety });
}

export class FeedPipelines {
  private readonly base: FeedPipeline;
  /** One pipeline per combination of variants, made when its first person asks for a feed. */
  private readonly byVariants = new Map<string, FeedPipeline>();

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
    private readonly config: MoteurConfig,
    /** The safety rules the for-you pipeline keeps to (undefined when they are off). */
    private readonly safety: Safety | undefined,
  ) {
    this.base = pipelineFor(catalog, models, config.feed, safety);
  }

  /** The person's pipeline, and their variant of each experiment (undefined when none runs). */
  for(userId: string): { pipeline: FeedPipeline; experiments: Assignment | undefined } {
    if (this.config.experiments.length === 0) return { pipeline: this.base, experiments: undefined };
    const { assignment, feed } = assign(this.config.experiments, this.config.feed, userId);
    const key = JSON.stringify(assignment);
    let pipeline = this.byVariants.get(key);
    if (pipeline === undefined) this.byVariants.set(key, (pipeline = pipelineFor(this.catalog, this.models, feed, this.safety)));
    return { pipeline, experiments: assignment };
  }

  forgetUser(userId: string): void {
    for (const pipeline of [this.base, ...this.byVariants.values()]) pipeline.forgetUser(userId);
  }
}
