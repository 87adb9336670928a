/**
 * Lists of videos that are about no one: the most popular in a region, the newest, and those like one video.
 * Only active videos that the platform's rules let the list show (`allowed`: moderation's limits on reach) are
 * listed, each with a score and the reasons it is there; a hashtag narrows any of them. The one source of these
 * lists: /v1 (src/server/routes/catalog.ts) and the Gorse API only reshape them.
 */
import type { Video } from '../core/types.ts';
import type { Catalog } from '../feed/catalog.ts';
import type { LearnedModels } from '../feed/models.ts';
import { popularIn } from '../feed/sources/trending.ts';
import { topK } from '../feed/top-k.ts';

export interface VideoListOptions {
  n: number;
  /** Skips this many from the top (paging). */
  offset?: number;
  /** Only videos with this hashtag. */
  hashtag?: string | undefined;
}

export interface ListedVideo {
  video: Video;
  /** What the list is ordered by: popularity, freshness, or likeness to the video. */
  score: number;
  reasons: string[];
}

const HOUR = 3_600_000;

/** Whether the platform's rules let a list show a video (moderation's limits, for the person the list is for). */
export type ListRules = (video: Video) => boolean;

function listable(hashtag: string | undefined, allowed: ListRules): (video: Video | undefined) => video is Video {
  const tag = hashtag?.replace(/^#/, '').toLowerCase();
  return (video): video is Video => video !== undefined && video.status === 'active' && (tag === undefined || video.hashtags.includes(tag)) && allowed(video);
}

/** How many from the top a page needs before its offset is cut off. */
const depth = (options: VideoListOptions) => (options.offset ?? 0) + options.n;

/** The most popular videos that can be served in `region` (its own and those published everywhere). */
export function popularVideos(catalog: Catalog, models: LearnedModels, region: string, options: VideoListOptions, allowed: ListRules): ListedVideo[] {
  return popularIn(catalog, models, region, depth(options), listable(options.hashtag, allowed))
    .slice(options.offset ?? 0)
    .map((c) => ({ video: c.video, score: c.signals.popularity!, reasons: c.reasons }));
}

/** The newest videos by upload time, newest first, read off the catalog's time order; the score is 1 / (1 + age in hours). */
export function newestVideos(catalog: Catalog, options: VideoListOptions, now: number, allowed: ListRules): ListedVideo[] {
  const keep = listable(options.hashtag, allowed);
  const newest: Video[] = [];
  for (const { id } of catalog.newest.newestFirst()) {
    if (newest.length >= depth(options)) break;
    const video = catalog.get(id);
    if (keep(video)) newest.push(video);
  }
  return newest.slice(options.offset ?? 0).map((video) => ({
    video,
    score: 1 / (1 + Math.max(0, now - video.createdAt) / HOUR),
    reasons: [`posted ${new Date(video.createdAt).toISOString()}`],
  }));
}

/**
 * Videos like `video`: its nearest content embeddings and the videos its audience also enjoyed (Swing
 * co-engagement). The score adds the content similarity (cosine) to the co-engagement relative to the strongest.
 */
export function similarVideos(catalog: Catalog, models: LearnedModels, video: Video, options: VideoListOptions, allowed: ListRules): ListedVideo[] {
  const keep = listable(options.hashtag, allowed);
  const want = depth(options);
  const found = new Map<string, { content: number; together: number }>();
  const entry = (id: string) => found.get(id) ?? found.set(id, { content: 0, together: 0 }).get(id)!;
  const vector = catalog.embeddings.vectorOf(video.id);
  if (vector !== undefined) {
    for (const { id, similarity } of catalog.embeddings.nearest(vector, 2 * want + 1)) if (similarity > 0) entry(id).content = similarity;
  }
  const together = models.learners.coEngagedWith(video.id, 2 * want, { accept: (id) => keep(catalog.get(id)) });
  const strongest = together[0]?.score ?? 0;
  for (const { videoId: id, score } of together) if (score > 0) entry(id).together = score / strongest;
  found.delete(video.id);
  const candidates = [...found.entries()].filter(([id]) => keep(catalog.get(id)));
  return topK(candidates, want, ([, s]) => s.content + s.together)
    .slice(options.offset ?? 0)
    .map(([id, s]) => {
      const reasons: string[] = [];
      if (s.content > 0) reasons.push(`looks like this video (content similarity ${s.content.toFixed(2)})`);
      if (s.together > 0) reasons.push(`people who enjoyed this video also enjoyed it (co-engagement ${s.together.toFixed(2)} of the strongest)`);
      return { video: catalog.get(id)!, score: s.content + s.together, reasons };
    });
}
