/**
 * Reads of the catalog that name no person: videos like a given one, what is popular in a region, what is new.
 * Only active videos are listed, each with a score and the reasons it is there.
 */
import { notFound } from '../core/errors.ts';
import type { Video } from '../core/types.ts';
import type { Catalog } from '../feed/catalog.ts';
import type { LearnedModels } from '../feed/models.ts';
import { popularIn } from '../feed/sources/trending.ts';
import { topK } from '../feed/top-k.ts';

export interface ListedVideo {
  videoId: string;
  creatorId: string;
  soundId: string;
  hashtags: string[];
  durationMs: number;
  createdAt: string;
  score: number;
  reasons: string[];
}

function listed(video: Video, score: number, reasons: string[]): ListedVideo {
  const { id: videoId, creatorId, soundId, hashtags, durationMs } = video;
  return { videoId, creatorId, soundId, hashtags, durationMs, createdAt: new Date(video.createdAt).toISOString(), score: Number(score.toFixed(6)), reasons };
}

/**
 * Videos like `videoId`: its nearest content embeddings and the videos its audience also enjoyed (Swing
 * co-engagement). The score adds the content similarity (cosine) to the co-engagement relative to the strongest.
 */
export function similarVideos(catalog: Catalog, models: LearnedModels, videoId: string, n: number): { videoId: string; items: ListedVideo[] } {
  if (catalog.get(videoId) === undefined) throw notFound('video', videoId);
  const found = new Map<string, { content: number; together: number }>();
  const entry = (id: string) => found.get(id) ?? found.set(id, { content: 0, together: 0 }).get(id)!;
  const vector = catalog.embeddings.vectorOf(videoId);
  if (vector !== undefined) {
    for (const { id, similarity } of catalog.embeddings.nearest(vector, 2 * n + 1)) if (similarity > 0) entry(id).content = similarity;
  }
  const together = models.learners.coEngagedWith(videoId, 2 * n);
  const strongest = together[0]?.score ?? 0;
  for (const { videoId: id, score } of together) if (score > 0) entry(id).together = score / strongest;
  found.delete(videoId);
  const candidates = [...found.entries()].filter(([id]) => catalog.active.has(id));
  const items = topK(candidates, n, ([, s]) => s.content + s.together).map(([id, s]) => {
    const reasons: string[] = [];
    if (s.content > 0) reasons.push(`looks like this video (content similarity ${s.content.toFixed(2)})`);
    if (s.together > 0) reasons.push(`people who enjoyed this video also enjoyed it (co-engagement ${s.together.toFixed(2)} of the strongest)`);
    return listed(catalog.get(id)!, s.content + s.together, reasons);
  });
  return { videoId, items };
}

/** The most popular active videos that can be served in `region` (its own and those published everywhere). */
export function trendingVideos(catalog: Catalog, models: LearnedModels, region: string, n: number): { region: string; items: ListedVideo[] } {
  const popular = popularIn(catalog, models, region, n, (video) => video.status === 'active');
  return { region, items: popular.map((c) => listed(c.video, c.signals.popularity!, c.reasons)) };
}

/** The newest active videos, newest first (a pass over the active catalog); the score is 1 / (1 + age in hours). */
export function newVideos(catalog: Catalog, n: number, now: number): { items: ListedVideo[] } {
  const newest = topK(catalog.active.values(), n, (id) => catalog.get(id)!.createdAt).map((id) => catalog.get(id)!);
  return { items: newest.map((video) => listed(video, 1 / (1 + Math.max(0, now - video.createdAt) / 3_600_000), [`posted ${new Date(video.createdAt).toISOString()}`])) };
}
