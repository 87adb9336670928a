/**
 * A synthetic short-video world, deterministic for a seed: topics with their hashtags, words and sounds,
 * creators of varying quality, videos with content embeddings, and people with hidden interests.
 */
import { hashString, seededRandom } from '../core/random.ts';
import type { Video } from '../core/types.ts';

export interface WorldOptions {
  videos: number;
  users: number;
  seed: number;
  topics?: number;
  embeddingDim?: number;
  /** Videos are dated up to this many days before `now`. */
  days?: number;
  now?: number;
}

/** A catalog entry plus the hidden truth the behaviour model needs. */
export type SimVideo = Omit<Video, 'status' | 'embedding'> & {
  embedding: number[];
  /** Hidden truth: the topic the video is about. */
  topic: number;
};

export interface SimCreator {
  id: string;
  region: string;
  language: string;
  /** Hidden truth: the topics this creator posts about, with weights summing to 1. */
  topics: { topic: number; weight: number }[];
  /** Hidden truth: how watchable this creator's videos are, 0..1. */
  quality: number;
}

export interface SimUser {
  id: string;
  region: string;
  /** The one language this person understands. */
  language: string;
  /** Hidden truth: interest in each topic, 0..1. */
  interests: number[];
  /** Videos watched in a session before leaving, when nothing disappoints. */
  patience: number;
  likeRate: number;
  shareRate: number;
  commentRate: number;
  followRate: number;
}

export interface SimTopic {
  name: string;
  hashtags: string[];
  words: string[];
  sounds: string[];
  /** Hidden truth: the direction of this topic in embedding space. */
  vector: number[];
}

export interface World {
  seed: number;
  topics: SimTopic[];
  /** Sounds used across every topic, as trending sounds are. */
  trendingSounds: string[];
  creators: Map<string, SimCreator>;
  /** The catalog so far: `video0`, `video1`, ... in posting order. */
  videos: SimVideo[];
  users: SimUser[];
}

/** Where people and creators live and the language they speak, with each one's share of them. */
const LOCALES = [
  { region: 'us', language: 'en', share: 0.45 },
  { region: 'gb', language: 'en', share: 0.15 },
  { region: 'fr', language: 'fr', share: 0.2 },
  { region: 'br', language: 'pt', share: 0.2 },
];

/** Every region simulated people live in: a node driven by the simulator must serve them all. */
export const SIM_REGIONS: readonly string[] = LOCALES.map((l) => l.region);

/** Share of videos published everywhere; the others are served only in their creator's region. */
const GLOBAL_SHARE = 0.8;

const TOPIC_NAMES = [
  'comedy',
  'dance',
  'cooking',
  'pets',
  'sports',
  'gaming',
  'travel',
  'fashion',
  'science',
  'music',
  'diy',
  'fitness',
  'beauty',
  'cars',
  'books',
  'art',
];

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function drawLocale(u: number): { region: string; language: string } {
  for (const { share, ...locale } of LOCALES) {
    if (u < share) return locale;
    u -= share;
  }
  return LOCALES[0]!;
}

function unit(vector: number[]): number[] {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

export function generateWorld(options: WorldOptions): World {
  const random = seededRandom(options.seed);
  const topicCount = Math.min(options.topics ?? 12, TOPIC_NAMES.length);
  const dim = options.embeddingDim ?? 32;
  const now = options.now ?? Date.now();
  const days = options.days ?? 3;

  const topics = TOPIC_NAMES.slice(0, topicCount).map((name) => ({
    name,
    hashtags: Array.from({ length: 4 }, (_, i) => `${name}${i === 0 ? '' : i}`),
    words: Array.from({ length: 6 }, (_, i) => `${name}-word${i}`),
    sounds: Array.from({ length: 5 }, (_, i) => `sound-${name}-${i}`),
    vector: unit(Array.from({ length: dim }, () => gaussian(random))),
  }));

  const creators = new Map<string, SimCreator>();
  const creatorCount = Math.max(1, Math.ceil(options.videos / 8));
  for (let i = 0; i < creatorCount; i++) {
    const main = Math.floor(random() * topicCount);
    // Most creators stick to one topic; some split their time with a second one.
    const second = random() < 0.35 ? Math.floor(random() * topicCount) : main;
    const mainWeight = second === main ? 1 : 0.55 + 0.35 * random();
    const topics =
      second === main
        ? [{ topic: main, weight: 1 }]
        : [
            { topic: main, weight: mainWeight },
            { topic: second, weight: 1 - mainWeight },
          ];
    creators.set(`creator${i}`, { id: `creator${i}`, ...drawLocale(random()), topics, quality: 0.2 + 0.8 * random() });
  }

  const users: SimUser[] = Array.from({ length: options.users }, (_, i) => {
    const interests = Array.from({ length: topicCount }, () => 0.05 * random());
    const favourites = 1 + Math.floor(random() * 3);
    for (let f = 0; f < favourites; f++) interests[Math.floor(random() * topicCount)] = 0.6 + 0.4 * random();
    return {
      id: `user${i}`,
      ...drawLocale(random()),
      interests,
      patience: 10 + Math.floor(random() * 30),
      likeRate: 0.1 + 0.3 * random(),
      shareRate: 0.02 + 0.06 * random(),
      commentRate: 0.02 + 0.05 * random(),
      followRate: 0.02 + 0.06 * random(),
    };
  });

  const world: World = { seed: options.seed, topics, trendingSounds: Array.from({ length: 5 }, (_, i) => `sound-trending-${i}`), creators, videos: [], users };
  for (let i = 0; i < options.videos; i++) world.videos.push(makeVideo(world, i, (r) => Math.round(now - r * days * 86_400_000)));
  return world;
}

/**
 * Creators post `count` new videos at `now`: they join the world's catalog and are returned for upload.
 * Video number i is the same whenever it is posted, so a world can be rebuilt to match a stored catalog.
 */
export function postVideos(world: World, count: number, now: number): SimVideo[] {
  const posted = Array.from({ length: count }, (_, i) => makeVideo(world, world.videos.length + i, () => now));
  world.videos.push(...posted);
  return posted;
}

/**
 * Rebuilds the videos creators posted during earlier runs on a stored catalog of `storedVideos` videos,
 * so the people of this world recognise them when they are served.
 */
export function catchUpWithCatalog(world: World, storedVideos: number, now: number): void {
  if (storedVideos > world.videos.length) postVideos(world, storedVideos - world.videos.length, now);
}

/** Video number `index`, drawn from its own seeded stream; `createdAt` gets a uniform draw to date it. */
function makeVideo(world: World, index: number, createdAt: (u: number) => number): SimVideo {
  const random = seededRandom(hashString(`${world.seed}/video/${index}`));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const creator = world.creators.get(`creator${Math.floor(random() * world.creators.size)}`)!;
  const topic = drawTopic(creator, random());
  const t = world.topics[topic]!;
  // Short-video durations: log-normal around 20 s, kept within 5 s .. 3 min.
  const durationMs = Math.round(Math.min(180_000, Math.max(5_000, 20_000 * Math.exp(0.6 * gaussian(random)))));
  return {
    id: `video${index}`,
    creatorId: creator.id,
    durationMs,
    createdAt: createdAt(random()),
    caption: `${pick(t.words)} ${pick(t.words)} ${pick(t.words)}`,
    hashtags: [...new Set([pick(t.hashtags), pick(t.hashtags)])],
    soundId: random() < 0.2 ? pick(world.trendingSounds) : pick(t.sounds),
    language: creator.language,
    region: random() < GLOBAL_SHARE ? 'global' : creator.region,
    embedding: unit(t.vector.map((x) => x + 0.35 * gaussian(random))).map((x) => Number(x.toFixed(5))),
    topic,
  };
}

/** A topic from the creator's mix, for a uniform draw `u` in [0, 1). */
function drawTopic(creator: SimCreator, u: number): number {
  for (const { topic, weight } of creator.topics) {
    if (u < weight) return topic;
    u -= weight;
  }
  return creator.topics[creator.topics.length - 1]!.topic;
}

/** The catalog entry the API takes: the video without its hidden truth. */
export function videoForApi(video: SimVideo): Omit<SimVideo, 'topic'> {
  const { topic: _topic, ...api } = video;
  return api;
}
