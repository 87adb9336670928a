/** How a simulated person reacts to a served video: how long they watch, and what else they do. */
import type { SimUser, SimVideo, World } from './world.ts';

export interface Reaction {
  affinity: number;
  watchMs: number;
  watchRatio: number;
  actions: ('like' | 'share' | 'comment' | 'follow' | 'skip' | 'not_interested')[];
}

/** How much of a video in another language a person still gets: the pictures, not the words. */
const FOREIGN_LANGUAGE_FACTOR = 0.6;

/** Hidden truth: how much this person enjoys this video, 0..1. */
export function affinity(world: World, user: SimUser, video: SimVideo, follows: ReadonlySet<string>): number {
  const quality = world.creators.get(video.creatorId)?.quality ?? 0.5;
  const interest = user.interests[video.topic] ?? 0;
  const understood = video.language === user.language ? 1 : FOREIGN_LANGUAGE_FACTOR;
  return Math.min(1, interest * (0.5 + 0.5 * quality) * understood + (follows.has(video.creatorId) ? 0.15 : 0));
}

export function react(world: World, user: SimUser, video: SimVideo, follows: ReadonlySet<string>, random: () => number): Reaction {
  const a = affinity(world, user, video, follows);
  // Short videos are watched to a larger fraction; a loved one is replayed past 100 %.
  const shortBonus = Math.sqrt(15_000 / video.durationMs);
  const mean = (0.1 + 1.1 * a) * Math.min(1.6, 0.7 + 0.3 * shortBonus);
  const watchRatio = Math.max(0.02, Math.min(3, mean * Math.exp(0.35 * (random() - 0.5) * 2)));
  const actions: Reaction['actions'] = [];
  if (watchRatio < 0.25) actions.push('skip');
  if (a < 0.08 && random() < 0.04) actions.push('not_interested');
  if (random() < user.likeRate * a * a * 2) actions.push('like');
  if (random() < user.shareRate * a * a) actions.push('share');
  if (random() < user.commentRate * a) actions.push('comment');
  if (!follows.has(video.creatorId) && random() < user.followRate * a * a) actions.push('follow');
  return { affinity: a, watchMs: Math.round(watchRatio * video.durationMs), watchRatio, actions };
}
