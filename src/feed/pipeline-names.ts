/** The pipelines a configuration names (`feed.policy`): the engine's own, and the baselines it is measured against. */
export const FEED_PIPELINES = ['for-you', 'random', 'popular'] as const;
export type FeedPipelineName = (typeof FEED_PIPELINES)[number];
