/** The For You pipeline's candidate sources by name, as a configuration names them. */
export const FEED_SOURCES = ['followed', 'item-graph', 'embedding', 'co-engaged', 'affinity', 'content-similar', 'trending'] as const;
export type FeedSourceName = (typeof FEED_SOURCES)[number];
