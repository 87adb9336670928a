/** Synthetic catalog and events for the benchmarks, deterministic for a seed. */
import { seededRandom } from '../../src/core/random.ts';

const DIM = 32;
const TOPICS = 50;

export function syntheticVideos(count: number, seed = 1) {
  return [...syntheticVideoStream(count, seed)];
}

/** The same videos one at a time, so a million of them need not be held at once. */
export function* syntheticVideoStream(count: number, seed = 1) {
  const random = seededRandom(seed);
  const centres = Array.from({ length: TOPICS }, () => Array.from({ length: DIM }, () => random() - 0.5));
  for (let i = 0; i < count; i++) {
    yield {
      embedding: centres[i % TOPICS]!.map((x) => Number((x + 0.2 * (random() - 0.5)).toFixed(4))),
      id: `v${i}`,
      creatorId: `c${Math.floor(random() * Math.max(1, count / 20))}`,
      durationMs: 5_000 + Math.floor(random() * 55_000),
      soundId: `s${Math.floor(random() * Math.max(1, count / 50))}`,
      hashtags: [`t${Math.floor(random() * 200)}`, `t${Math.floor(random() * 200)}`],
      caption: `video ${i}`,
      createdAt: Date.now() - Math.floor(random() * 7 * 86_400_000),
    };
  }
}

const TYPES = ['play', 'play', 'play', 'play', 'impression', 'like', 'skip', 'share', 'follow', 'comment'] as const;

export function syntheticEvents(count: number, videos: number, users: number, seed = 2, prefix = 'e') {
  return [...syntheticEventStream(count, videos, users, seed, prefix)];
}

/** The same events one at a time. */
export function* syntheticEventStream(count: number, videos: number, users: number, seed = 2, prefix = 'e') {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const type = TYPES[Math.floor(random() * TYPES.length)]!;
    const event: Record<string, unknown> = {
      id: `${prefix}${i}`,
      userId: `u${Math.floor(random() * users)}`,
      videoId: `v${Math.floor(random() * videos)}`,
      type,
      ts: Date.now(),
    };
    if (type === 'play') event.watchMs = Math.floor(random() * 40_000);
    yield event;
  }
}

/** Consecutive batches of `size` from a stream. */
export function* batchesOf<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
