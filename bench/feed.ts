/**
 * Feed latency and throughput on a warmed engine, in one process: a catalog and warm-up events are loaded, the
 * engine is restarted from its snapshot (as a production restart would: vector index built, popular lists
 * computed), then feeds are timed through the library API; then freshness (an event acknowledged -> the next feed
 * shows its effect); then HTTP against a server that restores the same data directory in a child process (so
 * client and server do not share an event loop), with one client at a time (the latency of a request alone) and
 * `--clients` concurrent clients (throughput; latency then includes waiting behind the other requests).
 * The goal size is `--videos 1000000 --users 100000` (with `--library-only` to skip the HTTP part, whose server
 * restores the whole data directory a second time); the defaults are a tenth of it, so a run takes minutes.
 * The safety rules are on and have work to do (bench/lib/safety-mix.ts: sensitive topics, moderators' decisions,
 * minors); `--without-safety` times the same library feeds with the safety layer off, to give its overhead.
 * `--data DIR` keeps the data directory: the first run builds it, later runs with the same sizes start from it.
 * Usage: node --import tsx bench/feed.ts [--videos N] [--users N] [--requests N] [--events-per-user N] [--clients N] [--library-only] [--without-safety] [--data DIR]
 */
import { Moteur } from '../src/app/moteur.ts';
import { seededRandom } from '../src/core/random.ts';
import { dataDir, flag, hasSwitch, latencySummary, note, print, round, timeCalls } from './lib/report.ts';
import { getJson } from './lib/http-client.ts';
import { serveInChild } from './lib/serve-child.ts';
import { pausesDuring, recordPauses } from './lib/pauses.ts';
import { batchesOf, syntheticEventStream, syntheticVideoStream } from './lib/synthetic.ts';
import { applySafetyMix, isMinor, withSensitiveTopic } from './lib/safety-mix.ts';
import { SlowFeedStages } from './lib/slow-feed-stages.ts';

const VIDEOS = flag('videos', 100_000);
const USERS = flag('users', 10_000);
const LIBRARY_ONLY = hasSwitch('library-only');
const REQUESTS = flag('requests', 20_000);
const EVENTS_PER_USER = flag('events-per-user', 20);
const CLIENTS = flag('clients', 4);
const WITH_SAFETY = !hasSwitch('without-safety');
if (!WITH_SAFETY && !LIBRARY_ONLY) {
  console.error('--without-safety compares the library feeds only (the HTTP server runs with its defaults): add --library-only');
  process.exit(2);
}
const safetyOverrides = WITH_SAFETY ? {} : { safety: { enabled: false } };
// The first requests pay for JIT compilation, connection set-up and building the content index.
const WARM_UP = Math.min(500, REQUESTS);
const FRESHNESS_PROBES = 200;
/** The goal's p99: the feeds slower than this are looked at closer. */
const SLOW_FEED_MS = 10;

const { dir, kept, reused } = dataDir();
const random = seededRandom(3);
const userIndex = () => Math.floor(random() * USERS);
const userId = () => `u${userIndex()}`;
const warmEvents = USERS * EVENTS_PER_USER;

/** The catalog, the warm-up events and the safety mix through the library, then both HNSW graphs built and saved. */
async function build() {
  const moteur = await Moteur.open({ dataDir: dir, ...safetyOverrides });
  note(`loading ${VIDEOS} videos...`);
  let start = performance.now();
  let loaded = 0;
  for (const batch of batchesOf(syntheticVideoStream(VIDEOS), 1000)) {
    const first = loaded;
    loaded += batch.length;
    await moteur.upsertVideos(WITH_SAFETY ? batch.map((v, j) => withSensitiveTopic(v, first + j)) : batch);
  }
  const loadVideosSeconds = (performance.now() - start) / 1000;
  // Plays with watch time, likes, shares, skips and follows from every person, so each source has work.
  note(`ingesting ${warmEvents} warm-up events...`);
  start = performance.now();
  for (const batch of batchesOf(syntheticEventStream(warmEvents, VIDEOS, USERS, 5, 'warm'), 500)) await moteur.ingest(batch);
  const warmEventsPerSecond = warmEvents / ((performance.now() - start) / 1000);
  const safetyMix = WITH_SAFETY ? await applySafetyMix(moteur, VIDEOS, USERS) : undefined;
  // The HNSW graph is built once (it grows a chunk at a time while events arrive) and saved with the snapshot.
  note('completing the vector index...');
  start = performance.now();
  moteur.learning.learners.syncVectorIndex();
  const vectorIndexBuildSeconds = (performance.now() - start) / 1000;
  // So is the content embeddings' graph (saved when the engine closes).
  note('building the content index...');
  start = performance.now();
  moteur.catalog.embeddings.prepare();
  const contentIndexBuildSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  await moteur.close();
  const closeSeconds = (performance.now() - start) / 1000;
  return {
    safetyMix,
    figures: {
      loadVideosSeconds: round(loadVideosSeconds, 3),
      warmEventsPerSecond: Math.round(warmEventsPerSecond),
      vectorIndexBuildSeconds: round(vectorIndexBuildSeconds, 3),
      contentIndexBuildSeconds: round(contentIndexBuildSeconds, 3),
      closeWithSnapshotSeconds: round(closeSeconds, 3),
    },
  };
}

recordPauses();
const built = reused ? undefined : await build();
note(reused ? `restarting from ${dir}, made by an earlier run...` : 'restarting from the snapshot...');
let start = performance.now();
const moteur = await Moteur.open({ dataDir: dir, ...safetyOverrides });
const restartSeconds = (performance.now() - start) / 1000;
// The item graph is retrained from the restored state in the background: the timed feeds use it.
start = performance.now();
await moteur.learning.settled();
const itemGraphSeconds = (performance.now() - start) / 1000;
const vectorIndexLoaded = moteur.learning.vectorIndexLoaded;
const contentIndexLoaded = moteur.contentIndexLoaded;

note(`library: ${REQUESTS} feeds...`);
start = performance.now();
await moteur.feed(userId(), { n: 10 });
const firstFeedMs = performance.now() - start;
for (let i = 1; i < WARM_UP; i++) await moteur.feed(userId(), { n: 10 });
const itemsBySource: Record<string, number> = {};
const slowFeedStages = new SlowFeedStages(moteur);
const library = await timeCalls(REQUESTS, 1, async () => {
  const user = userIndex();
  const tag = WITH_SAFETY && isMinor(user) ? 'minor' : 'adult';
  await slowFeedStages.time(tag, async () => {
    const page = await moteur.feed(`u${user}`, { n: 10 });
    for (const item of page.items) itemsBySource[item.source] = (itemsBySource[item.source] ?? 0) + 1;
  });
});
// What the feeds slower than the goal waited behind: GC pauses, or timer work on the same thread.
const libraryPauses = await pausesDuring(
  { startMs: library.startMs, durationMs: library.seconds * 1000 },
  library.latenciesMs.map((durationMs, i) => ({ startMs: library.startsMs[i]!, durationMs })),
  SLOW_FEED_MS,
);

// Freshness: from the acknowledgement of a follow to the first feed that shows the followed creator.
note('freshness: follow, then feed...');
const freshness: number[] = [];
const creatorOf = (slot: number) => moteur.catalog.get(`v${slot}`)!.creatorId;
for (let i = 0; i < FRESHNESS_PROBES; i++) {
  const user = `fresh-user-${i}`;
  let pick = (i * 7919) % VIDEOS;
  // A creator with more than this one video, so there is something new of theirs to show.
  while (moteur.learning.learners.newestOf(`creator:${creatorOf(pick)}`, 2).length < 2) pick = (pick + 1) % VIDEOS;
  const video = { id: `v${pick}`, creatorId: creatorOf(pick) };
  await moteur.ingest([{ id: `fresh-${i}`, userId: user, videoId: video.id, type: 'follow', ts: Date.now() }]);
  const acknowledged = performance.now();
  const page = await moteur.feed(user, { n: 10 });
  if (!page.items.some((item) => item.creatorId === video.creatorId))
    throw new Error(`the follow of ${video.creatorId} did not show in the next feed: ${JSON.stringify(page.items.map((x) => [x.creatorId, x.source]))}`);
  freshness.push(performance.now() - acknowledged);
}
const memory = process.memoryUsage();
await moteur.close();

/** HTTP against a server in a child process that restores the same data directory. */
async function overHttp() {
  note('HTTP: restoring the same data directory in a child process...');
  const started = performance.now();
  const server = await serveInChild(dir);
  const restoreSeconds = (performance.now() - started) / 1000;
  const fetchFeed = () => getJson(`${server.url}/v1/users/${userId()}/feed?n=10`, server.apiKey);
  for (let i = 0; i < WARM_UP; i++) await fetchFeed();
  note(`HTTP: ${REQUESTS} feeds from 1 client, then from ${CLIENTS}...`);
  const alone = await timeCalls(REQUESTS, 1, fetchFeed);
  const concurrent = await timeCalls(REQUESTS, CLIENTS, fetchFeed);
  await server.stop();
  return { httpOneClient: feedFigures(alone), httpConcurrentClients: feedFigures(concurrent), httpServerRestoreSeconds: round(restoreSeconds, 3) };
}

function feedFigures(run: { latenciesMs: number[]; seconds: number }) {
  return { ...latencySummary(run.latenciesMs), feedsPerSecond: Math.round(run.latenciesMs.length / run.seconds) };
}
const http = LIBRARY_ONLY ? undefined : await overHttp();
const served = Object.values(itemsBySource).reduce((a, b) => a + b, 0);
const freshnessSummary = latencySummary(freshness);
print({
  benchmark: 'feed',
  parameters: {
    videos: VIDEOS,
    users: USERS,
    warmEvents,
    requests: REQUESTS,
    warmUpRequests: WARM_UP,
    pageSize: 10,
    httpClients: LIBRARY_ONLY ? 0 : CLIENTS,
    server: LIBRARY_ONLY ? 'none (--library-only)' : 'moteur serve in a child process, keep-alive node:http clients on 127.0.0.1',
    dataDir: kept ? dir : 'scratch',
    safety: !WITH_SAFETY
      ? 'off (--without-safety)'
      : built === undefined
        ? "on, with the reused directory's decisions"
        : { ...built.safetyMix, sensitiveVideoShare: 0.1 },
  },
  library: { ...feedFigures(library), firstFeedMs: round(firstFeedMs), pausesDuringFeeds: libraryPauses, slowFeedStages: slowFeedStages.summary(SLOW_FEED_MS) },
  ...(http === undefined ? {} : { httpOneClient: http.httpOneClient, httpConcurrentClients: http.httpConcurrentClients }),
  itemsBySource: Object.fromEntries(Object.entries(itemsBySource).map(([source, count]) => [source, round(count / served)])),
  setup: {
    ...(built === undefined ? { reusedDirectory: true } : built.figures),
    restartFromSnapshotSeconds: round(restartSeconds, 3),
    itemGraphAfterRestartSeconds: round(itemGraphSeconds, 3),
    itemGraph: { people: moteur.learning.graph.graph?.people ?? 0, engagements: moteur.learning.graph.graph?.engagements ?? 0 },
    vectorIndexLoadedWithSnapshot: vectorIndexLoaded,
    contentIndexLoadedWithSnapshot: contentIndexLoaded,
    ...(http === undefined ? {} : { httpServerRestoreSeconds: http.httpServerRestoreSeconds }),
  },
  libraryProcessMemoryMiB: {
    rss: Math.round(memory.rss / 2 ** 20),
    heap: Math.round(memory.heapUsed / 2 ** 20),
    arrayBuffers: Math.round(memory.arrayBuffers / 2 ** 20),
  },
  freshnessMs: { p50: freshnessSummary.p50Ms, p99: freshnessSummary.p99Ms, meaning: 'follow acknowledged -> the next feed shows the creator (library)' },
  goal: 'p99 <= 10 ms',
});
