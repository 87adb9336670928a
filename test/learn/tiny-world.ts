/** A tiny synthetic world for the learner tests: topics with their own creators, hashtags, sounds and content. */
import { seededRandom } from '../../src/core/random.ts';
import type { LoggedEvent, Video } from '../../src/core/types.ts';

export const TOPICS = ['cats', 'cooking', 'football', 'music'] as const;
export const START = Date.UTC(2025, 0, 1);

export interface World {
  videos: Video[];
  byId: Map<string, Video>;
  topicOf: (videoId: string) => string;
  favourite: (userId: string) => string;
}

export function makeWorld(videosPerTopic = 40, seed = 7, dim = 32): World {
  const random = seededRandom(seed);
  const centres = TOPICS.map(() => Array.from({ length: dim }, () => random() - 0.5));
  const videos: Video[] = [];
  TOPICS.forEach((topic, t) => {
    for (let i = 0; i < videosPerTopic; i++) {
      videos.push({
        id: `${topic}-${i}`,
        creatorId: `${topic}-creator-${i % 3}`,
        durationMs: 5_000 + Math.floor(random() * 85_000),
        createdAt: START - Math.floor(random() * 3 * 86_400_000),
        caption: `${topic} ${i}`,
        hashtags: [topic, `${topic}-${i % 2}`],
        soundId: `${topic}-sound-${i % 2}`,
        language: 'en',
        region: 'us',
        status: 'active',
        embedding: centres[t]!.map((x) => x + 0.3 * (random() - 0.5)),
      });
    }
  });
  return {
    videos,
    byId: new Map(videos.map((v) => [v.id, v])),
    topicOf: (videoId) => videoId.slice(0, videoId.indexOf('-')),
    favourite: (userId) => TOPICS[Number(userId.slice(1)) % TOPICS.length]!,
  };
}

/**
 * People shown random videos: a video of their favourite topic is watched almost to the end and sometimes
 * liked; any other is skipped after a glance. Users are u0, u1, ...; u0's favourite topic is TOPICS[0].
 */
export function behave(world: World, users: number, count: number, seed = 11): LoggedEvent[] {
  const random = seededRandom(seed);
  const events: LoggedEvent[] = [];
  let ts = START;
  const push = (e: Omit<LoggedEvent, 'id' | 'seq' | 'ts'>) => {
    ts += 1000;
    events.push({ ...e, id: `e${events.length}`, seq: events.length + 1, ts });
  };
  while (events.length < count) {
    const userId = `u${Math.floor(random() * users)}`;
    const video = world.videos[Math.floor(random() * world.videos.length)]!;
    push({ userId, videoId: video.id, type: 'impression' });
    if (world.topicOf(video.id) === world.favourite(userId)) {
      push({ userId, videoId: video.id, type: 'play', watchMs: Math.round(video.durationMs * (0.8 + 0.3 * random())) });
      if (random() < 0.3) push({ userId, videoId: video.id, type: 'like' });
    } else {
      push({ userId, videoId: video.id, type: 'play', watchMs: Math.round(video.durationMs * 0.05) });
      push({ userId, videoId: video.id, type: 'skip' });
    }
  }
  return events;
}

export function replay(learners: { observe(e: LoggedEvent, v: Video | undefined): void }, world: World, events: readonly LoggedEvent[]): void {
  for (const e of events) learners.observe(e, world.byId.get(e.videoId));
}

/**
 * A ratings log replayed as events: people play to the end, nine times in ten a video of their favourite topic,
 * and like most of what they play; no impressions and no skips, so every video's like rate is high.
 */
export function ratingsLog(world: World, users: number, count: number, likeShare = 0.6, seed = 5): LoggedEvent[] {
  const random = seededRandom(seed);
  const byTopic = new Map(TOPICS.map((topic) => [topic as string, world.videos.filter((v) => world.topicOf(v.id) === topic)]));
  const events: LoggedEvent[] = [];
  let ts = START;
  for (let i = 0; i < count; i++) {
    const userId = `u${Math.floor(random() * users)}`;
    const pool = random() < 0.9 ? byTopic.get(world.favourite(userId))! : world.videos;
    const video = pool[Math.floor(random() * pool.length)]!;
    ts += 1000;
    events.push({ id: `e${events.length}`, seq: events.length + 1, ts, userId, videoId: video.id, type: 'play', watchMs: video.durationMs });
    if (random() < likeShare) events.push({ id: `e${events.length}`, seq: events.length + 1, ts, userId, videoId: video.id, type: 'like' });
  }
  return events;
}
