/**
 * Online learners: events per second through `observe` on one core, scoring latency for 500 candidates,
 * candidate-generator latencies, snapshot size and time, and memory per million embedding ids.
 *   node --import tsx bench/learn.ts [--videos 100000] [--users 10000] [--events 1000000]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { seededRandom } from '../src/core/random.ts';
import type { LoggedEvent, Video } from '../src/core/types.ts';
import { EmbeddingTable } from '../src/learn/online/embedding-table.ts';
import { OnlineLearners } from '../src/learn/online/learners.ts';
import { readRegional, RegionalWriter } from '../src/learn/online/regional-snapshot.ts';
import { flag, note, percentile, print, round } from './lib/report.ts';
import { syntheticVideos } from './lib/synthetic.ts';

const VIDEOS = flag('videos', 100_000);
const USERS = flag('users', 10_000);
const EVENTS = flag('events', 1_000_000);
const CANDIDATES = 500;
const START = Date.UTC(2025, 0, 1);
const TOPICS = 50;

/**
 * A stream shaped like a short-video app: each person favours three topics; an impression is followed by a play
 * whose watch ratio depends on whether the topic is a favourite, then sometimes a like, share, comment, follow,
 * skip or "not interested". Popular videos (a Zipf-like head) are shown more.
 */
function stream(videos: readonly Video[]): LoggedEvent[] {
  const random = seededRandom(9);
  const favourites = Array.from({ length: USERS }, () => [0, 1, 2].map(() => Math.floor(random() * TOPICS)));
  const events: LoggedEvent[] = [];
  let ts = START;
  const push = (userId: string, videoId: string, type: LoggedEvent['type'], watchMs?: number) => {
    ts += 20;
    events.push({ id: `e${events.length}`, seq: events.length + 1, userId, videoId, type, ts, ...(watchMs === undefined ? {} : { watchMs }) });
  };
  while (events.length < EVENTS) {
    const user = Math.floor(random() * USERS);
    const userId = `u${user}`;
    const index = random() < 0.5 ? Math.floor(VIDEOS * random() ** 3) : Math.floor(random() * VIDEOS);
    const video = videos[index]!;
    const liked = favourites[user]!.includes(index % TOPICS);
    push(userId, video.id, 'impression');
    if (random() < (liked ? 0.9 : 0.5)) {
      const ratio = liked ? 0.5 + random() : 0.3 * random();
      push(userId, video.id, 'play', Math.round(ratio * video.durationMs));
      if (liked && random() < 0.2) push(userId, video.id, 'like');
      if (liked && random() < 0.03) push(userId, video.id, 'share');
      if (liked && random() < 0.03) push(userId, video.id, 'comment');
      if (liked && random() < 0.01) push(userId, video.id, 'follow');
      if (!liked && random() < 0.5) push(userId, video.id, 'skip');
      if (!liked && random() < 0.01) push(userId, video.id, 'not_interested');
    }
  }
  return events.slice(0, EVENTS);
}

function timeEach(runs: number, fn: (i: number) => void): { p50: number; p99: number } {
  const micros: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    micros.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  micros.sort((a, b) => a - b);
  return { p50: round(percentile(micros, 50), 1), p99: round(percentile(micros, 99), 1) };
}

/** Bytes per admitted id in an embedding table of 33 floats a row (32 factors and a bias), map and arena together. */
function memoryPerMillionIds(): number {
  const ids = 1_000_000;
  // A full collection before each reading, so the difference is what the table holds.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage();
  const table = new EmbeddingTable(33, { admitAfter: 1, ttlMs: 1 });
  for (let i = 0; i < ids; i++) table.touch(`user-${i}`, 1, (row) => row.fill(0.01));
  gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  if (table.size !== ids) throw new Error('table lost ids');
  return bytes;
}

note(`generating ${VIDEOS} videos and ${EVENTS} events for ${USERS} users`);
const catalog: Video[] = syntheticVideos(VIDEOS).map((v) => ({
  ...v,
  createdAt: START - (v.createdAt % (7 * 86_400_000)),
  language: 'en',
  region: 'us',
  status: 'active' as const,
}));
const events = stream(catalog);
const byId = new Map(catalog.map((v) => [v.id, v]));

const learners = new OnlineLearners({ seed: 1 });
let t = performance.now();
for (const v of catalog) learners.addVideo(v);
const addVideoMs = performance.now() - t;

note('observing');
t = performance.now();
for (const e of events) learners.observe(e, byId.get(e.videoId));
const observeMs = performance.now() - t;

note('scoring');
const random = seededRandom(21);
const users = Array.from({ length: 200 }, () => `u${Math.floor(random() * USERS)}`);
const candidateSets = users.map(() => Array.from({ length: CANDIDATES }, () => catalog[Math.floor(random() * VIDEOS)]!.id));
const score = timeEach(users.length, (i) => learners.score(users[i]!, candidateSets[i]!));
const nearestExact = timeEach(50, (i) => learners.nearestVideos(users[i]!, 100, { exact: true }));
const annBuild = performance.now();
learners.nearestVideos(users[0]!, 100);
const annFirstQueryMs = performance.now() - annBuild;
const nearestAnn = timeEach(200, (i) => learners.nearestVideos(users[i]!, 100));
let hits = 0;
for (const userId of users.slice(0, 50)) {
  const exact = new Set(learners.nearestVideos(userId, 100, { exact: true }).map((c) => c.videoId));
  hits += learners.nearestVideos(userId, 100).filter((c) => exact.has(c.videoId)).length;
}
const coEngaged = timeEach(200, (i) => learners.coEngaged(users[i]!, 100));
const affinity = timeEach(200, (i) => learners.affinityCandidates(users[i]!, 100));

t = performance.now();
const snapshot = learners.snapshot();
const snapshotMs = performance.now() - t;
t = performance.now();
OnlineLearners.restore(snapshot);
const restoreMs = performance.now() - t;
// The same state split by residency, half the people in each of two regions (src/learn/online/regional-snapshot.ts).
const REGIONS = ['us', 'eu'];
t = performance.now();
const byRegion = new RegionalWriter(REGIONS, (userId) => REGIONS[Number(userId.at(-1)) % 2]);
learners.write(byRegion);
const split = byRegion.finish('bench-learners', 1);
const splitMs = performance.now() - t;
t = performance.now();
readRegional(split, REGIONS, 'bench-learners', 1, 'a split snapshot', (input) => OnlineLearners.read(input));
const splitRestoreMs = performance.now() - t;
const stats = learners.stats();
const heap = process.memoryUsage();

note('measuring table memory');
const perMillion = memoryPerMillionIds();

print({
  benchmark: 'learn',
  videos: VIDEOS,
  users: USERS,
  events: EVENTS,
  observe: { eventsPerSecond: Math.round(EVENTS / (observeMs / 1000)), seconds: round(observeMs / 1000, 2), goal: 50_000 },
  addVideoPerSecond: Math.round(VIDEOS / (addVideoMs / 1000)),
  score500CandidatesMicros: score,
  nearest100Micros: { exact: nearestExact, hnsw: nearestAnn, hnswFirstQueryMs: round(annFirstQueryMs, 0), hnswRecallAt100: round(hits / (50 * 100), 3) },
  coEngaged100Micros: coEngaged,
  affinity100Micros: affinity,
  snapshot: { bytes: snapshot.length, writeMs: round(snapshotMs, 0), restoreMs: round(restoreMs, 0) },
  snapshotByRegion: {
    sharedBytes: split.shared.length,
    partBytes: Object.fromEntries([...split.parts].map(([region, bytes]) => [region, bytes.length])),
    writeMs: round(splitMs, 0),
    restoreMs: round(splitRestoreMs, 0),
  },
  state: stats,
  heapMiB: round(heap.heapUsed / 2 ** 20, 0),
  arrayBuffersMiB: round(heap.arrayBuffers / 2 ** 20, 0),
  embeddingTableBytesPerMillionIds: perMillion,
});
