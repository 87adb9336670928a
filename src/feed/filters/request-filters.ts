import type { Filter } from '../pipeline.ts';

/** What one feed request narrows the page to: a topic tab, one creator, without the videos the client already has. */
export interface RequestFilters {
  /** Hashtags (without `#`, lowercase): a video must carry at least one. */
  hashtags?: readonly string[];
  /** Hashtags a video must carry none of. */
  excludeHashtags?: readonly string[];
  /** Video ids never to include (already on the person's other devices, say). */
  exclude?: ReadonlySet<string>;
  creatorId?: string;
}

/** The request's own filters: hard ones, so even the fallback that fills a short page keeps to them. */
export const requestFilter: Filter = {
  name: 'request',
  keep: ({ filters }, video) => {
    if (filters === undefined) return true;
    const { hashtags, excludeHashtags, exclude, creatorId } = filters;
    if (creatorId !== undefined && video.creatorId !== creatorId) return false;
    if (exclude?.has(video.id)) return false;
    if (hashtags !== undefined && !video.hashtags.some((h) => hashtags.includes(h))) return false;
    return excludeHashtags === undefined || !video.hashtags.some((h) => excludeHashtags.includes(h));
  },
};
