/** Synthetic catalog and events for the benchmarks, deterministic for a seed. */
import { seededRandom } from '../../src/core/random.ts';

const DIM = 32;
const TOPICS = 50;

export function syntheticVideos(count: number, seed = 1) {
  const random = seededRandom(seed);
  const centres = Array.from({ length: TOPICS }, () => Array.from({ length: DIM }, () => random() - 0.5));
  return Array.from({ length: count }, (_, i) => ({
    embedding: centres[i % TOPICS]!.map((x) => Number((x + 0.2 * (random() - 0.5)).toFixed(4))),
    id: `v${i}`,
    creatorId: `c${Math.floor(random() * Math.max(1, count / 20))}`,
    durationMs: 5_000 + Math.floor(random() * 55_000),
    soundId: `s${Math.floor(random() * Math.max(1, count / 50))}`,
    hashtags: [`t${Math.floor(random() * 200)}`, `t${Math.floor(random() * 200)}`],
    caption: `video ${i}`,
    createdAt: Date.now() - Math.floor(random() * 7 * 86_400_000),
  }));
}

const TYPES = ['play', 'play', 'play', 'play', 'impression', 'like', 'skip', 'share', 'follow', 'comment'] as const;

export function syntheticEvents(count: number, videos: number, users: number, seed = 2, prefix = 'e') {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const type = TYPES[Math.floor(random() * TYPES.length)]!;
    const event: Record<string, unknown> = {
      id: `${prefix}${i}`,
      userId: `u${Math.floor(random() * users)}`,
      videoId: `v${Math.floor(random() * videos)}`,
      type,
      ts: Date.now(),
    };
    if (type === 'play') event.watchMs = Math.floor(random() * 40_000);
    return event;
  });
}
