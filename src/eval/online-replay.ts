import type { LoggedEvent, Video } from '../core/types.ts';
import { implicitInteractions, itemPopularity, type ImplicitInteractions } from '../learn/batch/interactions.ts';
import type { UserItemScorer } from '../learn/batch/scorer.ts';
import { OnlineLearners } from '../learn/online/learners.ts';
import { popularityScorer } from './baselines.ts';
import { evaluatedUsers } from './implicit-benchmark.ts';
import { evaluateFullRanking, type MetricReport } from './full-ranking.ts';
import type { StageProgress } from './progress.ts';

/** One rating or engagement, with dense ids; `ts` in milliseconds. */
export interface TimedInteraction {
  user: number;
  item: number;
  ts: number;
  /** Explicit rating when the data has one: ratings at or above `likeFrom` also send a like. */
  rating: number;
}

export interface ReplayOptions {
  userCount: number;
  itemCount: number;
  /** Tags of each item (e.g. genres), given to the learners as hashtags. */
  tagsOf?: (item: number) => string[];
  /** Ratings at or above this send a like after the play. */
  likeFrom: number;
  seed: number;
  /** How many points the learning curve has. */
  checkpoints: number;
  progress?: StageProgress;
}

export interface CurvePoint {
  /** Events replayed before the point. */
  events: number;
  /** People measured on the window that follows (up to the next point). */
  users: number;
  learners: MetricReport;
  popular: MetricReport;
}

/** Every video lasts this long in the replay; a rating is a full play, so watch ratio carries no signal. */
const DURATION_MS = 60_000;

/**
 * Feeds interactions to the engine's online learners in time order, as the live service would: each rating
 * becomes a full `play` (and a `like` when it is high). At evenly spaced points the learners rank every unseen
 * item for the people (already met) who are active before the next point, against what they go on to rate: a
 * prequential learning curve. The same points are measured for most-popular-so-far, as a reference.
 */
export function replayThroughLearners(events: TimedInteraction[], options: ReplayOptions): { learners: OnlineLearners; seconds: number; curve: CurvePoint[] } {
  const learners = new OnlineLearners({ seed: options.seed });
  const videos = replayVideos(options);
  const pointEvery = Math.max(1, Math.floor(events.length / (options.checkpoints + 1)));
  const curve: CurvePoint[] = [];
  let learningMs = 0;
  let seq = 0;
  for (let k = 0; k < events.length; k++) {
    if (k > 0 && k % pointEvery === 0 && curve.length < options.checkpoints) {
      curve.push(curvePoint(learners, events, k, pointEvery, options));
    }
    const start = performance.now();
    const logged = loggedEvents(events[k]!, k, seq, options.likeFrom);
    for (const event of logged) learners.observe(event, videos[events[k]!.item]);
    seq += logged.length;
    learningMs += performance.now() - start;
    if (k % 2000 === 0) options.progress?.('replaying events through the online learners', k, events.length);
  }
  options.progress?.('replaying events through the online learners', events.length, events.length);
  return { learners, seconds: learningMs / 1000, curve };
}

/** The replay's catalog: one video per dense item id, in item order. */
export function replayVideos(options: Pick<ReplayOptions, 'itemCount' | 'tagsOf'>): Video[] {
  return Array.from({ length: options.itemCount }, (_, item) => ({
    id: videoId(item),
    creatorId: 'unknown',
    durationMs: DURATION_MS,
    createdAt: 0,
    caption: '',
    hashtags: options.tagsOf?.(item) ?? [],
    soundId: '',
    language: 'und',
    region: 'und',
    status: 'active',
  }));
}

/** The `k`-th interaction as the log holds it, from position `seq`: a full play, then a like when the rating is high. */
export function loggedEvents({ user, item, ts, rating }: TimedInteraction, k: number, seq: number, likeFrom: number): LoggedEvent[] {
  const base = { userId: userId(user), videoId: videoId(item), ts };
  const play: LoggedEvent = { ...base, id: `e${k}`, seq, type: 'play', watchMs: DURATION_MS };
  return rating >= likeFrom ? [play, { ...base, id: `l${k}`, seq: seq + 1, type: 'like' }] : [play];
}

/** The learners' ranker as a full-ranking scorer over dense item ids (videos it never saw score -Infinity). */
export function learnersScorer(learners: OnlineLearners, itemCount: number): UserItemScorer {
  const ids = Array.from({ length: itemCount }, (_, item) => videoId(item));
  return {
    scoreUser(user, out) {
      const scores = learners.score(userId(user), ids);
      for (let i = 0; i < itemCount; i++) out[i] = scores[i] ?? -Infinity;
    },
  };
}

function curvePoint(learners: OnlineLearners, events: TimedInteraction[], at: number, length: number, options: ReplayOptions): CurvePoint {
  const past = interactionsOf(events.slice(0, at), options);
  const window = events.slice(at, at + length);
  // Only people the learners have met: the curve measures learning, not the cold start.
  const known = window.filter((e) => past.userStart[e.user + 1]! > past.userStart[e.user]!);
  const users = evaluatedUsers(
    past,
    known.map((e) => e.user),
    known.map((e) => e.item),
  );
  const context = { itemCount: options.itemCount, userCount: options.userCount, popularity: itemPopularity(past), similarity: () => 0 };
  return {
    events: at,
    users: users.length,
    learners: evaluateFullRanking(learnersScorer(learners, options.itemCount), users, context).metrics,
    popular: evaluateFullRanking(popularityScorer(past), users, context).metrics,
  };
}

function interactionsOf(events: TimedInteraction[], options: ReplayOptions): ImplicitInteractions {
  return implicitInteractions(
    events.map((e) => e.user),
    events.map((e) => e.item),
    options.userCount,
    options.itemCount,
  );
}

const userId = (user: number) => `u${user}`;
const videoId = (item: number) => `v${item}`;
