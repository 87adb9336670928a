/**
 * Lists of videos that are about no one: the most popular, the newest, and the neighbours of one video. Only
 * active videos are listed; a hashtag narrows any of them.
 */
import type { Video } from '../core/types.ts';
import type { Catalog } from '../feed/catalog.ts';
import { topK } from '../feed/top-k.ts';
import type { EngineLearning } from './learning.ts';

export interface VideoListOptions {
  n: number;
  /** Skips this many from the top (paging). */
  offset?: number;
  /** Only videos with this hashtag. */
  hashtag?: string;
}

export interface ListedVideo {
  videoId: string;
  /** What the list is ordered by: popularity, upload time (epoch seconds), or similarity to the video. */
  score: number;
  /** Which list a neighbour comes from. */
  via?: 'co-engagement' | 'content';
}

function listed(catalog: Catalog, hashtag: string | undefined): (videoId: string) => boolean {
  const tag = hashtag?.replace(/^#/, '').toLowerCase();
  return (videoId) => {
    const video = catalog.get(videoId);
    return video !== undefined && video.status === 'active' && (tag === undefined || video.hashtags.includes(tag));
  };
}

function page<T>(items: Iterable<T>, options: VideoListOptions, keep: (item: T) => boolean): T[] {
  const offset = options.offset ?? 0;
  const out: T[] = [];
  for (const item of items) {
    if (out.length >= offset + options.n) break;
    if (keep(item)) out.push(item);
  }
  return out.slice(offset);
}

/** The most popular videos that can be served in `region` (its own and those published everywhere). */
export function popularVideos(catalog: Catalog, learning: EngineLearning, region: string, options: VideoListOptions): ListedVideo[] {
  const keep = listed(catalog, options.hashtag);
  return page(learning.popular.in(region), options, (p) => keep(p.videoId)).map((p) => ({ videoId: p.videoId, score: p.popularity }));
}

/** The newest videos by upload time, newest first. */
export function newestVideos(catalog: Catalog, options: VideoListOptions): ListedVideo[] {
  const keep = listed(catalog, options.hashtag);
  const ids = catalog.active.values().filter(keep);
  const createdAt = (id: string) => (catalog.get(id) as Video).createdAt;
  return topK(ids, (options.offset ?? 0) + options.n, createdAt)
    .slice(options.offset ?? 0)
    .map((videoId) => ({ videoId, score: Math.floor(createdAt(videoId) / 1000) }));
}

/**
 * The neighbours of one video: first those people engaged with together (Swing co-engagement, by its score),
 * then those whose uploaded content embedding is closest (by cosine similarity).
 */
export function similarVideos(catalog: Catalog, learning: EngineLearning, video: Video, options: VideoListOptions): ListedVideo[] {
  const keep = listed(catalog, options.hashtag);
  const want = (options.offset ?? 0) + options.n;
  const coEngaged = learning.learners.coEngagedWith(video.id, want, { accept: keep });
  const taken = new Set([video.id, ...coEngaged.map((c) => c.videoId)]);
  const vector = catalog.embeddings.vectorOf(video.id);
  const content = vector === undefined ? [] : catalog.embeddings.nearest(vector, want + taken.size);
  const all: ListedVideo[] = [
    ...coEngaged.map((c) => ({ videoId: c.videoId, score: c.score, via: 'co-engagement' as const })),
    ...content.filter((c) => !taken.has(c.id) && c.similarity > 0).map((c) => ({ videoId: c.id, score: c.similarity, via: 'content' as const })),
  ];
  return page(all, options, (v) => keep(v.videoId));
}
