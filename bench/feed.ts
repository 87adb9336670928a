/**
 * Feed latency and throughput on a warmed engine: through the library API, then through HTTP against
 * a server that restores the same data directory in a child process (so client and server do not share
 * an event loop). HTTP is measured twice: one client at a time (the latency of a request alone) and
 * `--clients` concurrent clients (throughput; latency then includes waiting behind the other requests).
 * Usage: node --import tsx bench/feed.ts [--videos N] [--users N] [--requests N] [--events-per-user N] [--clients N]
 */
import { Moteur } from '../src/app/moteur.ts';
import { seededRandom } from '../src/core/random.ts';
import { flag, latencySummary, note, print, round, scratchDir, timeCalls } from './lib/report.ts';
import { getJson } from '../src/sim/http-client.ts';
import { serveInChild } from './lib/serve-child.ts';
import { syntheticEvents, syntheticVideos } from './lib/synthetic.ts';

const VIDEOS = flag('videos', 100_000);
const USERS = flag('users', 10_000);
const REQUESTS = flag('requests', 20_000);
const EVENTS_PER_USER = flag('events-per-user', 20);
const CLIENTS = flag('clients', 4);
// The first requests pay for JIT compilation, connection set-up and building the content index.
const WARM_UP = Math.min(500, REQUESTS);
const FRESHNESS_PROBES = 200;

const dir = scratchDir();
const random = seededRandom(3);
const userId = () => `u${Math.floor(random() * USERS)}`;

note(`loading ${VIDEOS} videos and ${USERS * EVENTS_PER_USER} events...`);
const moteur = await Moteur.open({ dataDir: dir });
const videos = syntheticVideos(VIDEOS);
for (let i = 0; i < videos.length; i += 1000) await moteur.upsertVideos(videos.slice(i, i + 1000));
// Plays with watch time, likes, shares, skips and follows from every person, so each source has work.
const events = syntheticEvents(USERS * EVENTS_PER_USER, VIDEOS, USERS, 5, 'warm');
for (let i = 0; i < events.length; i += 500) await moteur.ingest(events.slice(i, i + 500));

note(`library: ${REQUESTS} feeds...`);
let start = performance.now();
await moteur.feed(userId(), { n: 10 });
const firstFeedMs = performance.now() - start;
for (let i = 1; i < WARM_UP; i++) await moteur.feed(userId(), { n: 10 });
const itemsBySource: Record<string, number> = {};
const library = await timeCalls(REQUESTS, 1, async () => {
  const page = await moteur.feed(userId(), { n: 10 });
  for (const item of page.items) itemsBySource[item.source] = (itemsBySource[item.source] ?? 0) + 1;
});

// Freshness: from the acknowledgement of a follow to the first feed that shows the followed creator.
note('freshness: follow, then feed...');
const freshness: number[] = [];
for (let i = 0; i < FRESHNESS_PROBES; i++) {
  const user = `fresh-user-${i}`;
  let pick = (i * 7919) % videos.length;
  // A creator with more than this one video, so there is something new of theirs to show.
  while (moteur.catalog.byCreator.get(videos[pick]!.creatorId).length < 2) pick = (pick + 1) % videos.length;
  const video = videos[pick]!;
  await moteur.ingest([{ id: `fresh-${i}`, userId: user, videoId: video.id, type: 'follow', ts: Date.now() }]);
  const acknowledged = performance.now();
  const page = await moteur.feed(user, { n: 10 });
  if (!page.items.some((item) => item.creatorId === video.creatorId)) throw new Error(`the follow of ${video.creatorId} did not show in the next feed: ${JSON.stringify(page.items.map((x) => [x.creatorId, x.source]))}`);
  freshness.push(performance.now() - acknowledged);
}
await moteur.close();

note('HTTP: restoring the same data directory in a child process...');
start = performance.now();
const server = await serveInChild(dir);
const restoreSeconds = (performance.now() - start) / 1000;
const fetchFeed = () => getJson(`${server.url}/v1/users/${userId()}/feed?n=10`);
for (let i = 0; i < WARM_UP; i++) await fetchFeed();
note(`HTTP: ${REQUESTS} feeds from 1 client, then from ${CLIENTS}...`);
const httpAlone = await timeCalls(REQUESTS, 1, fetchFeed);
const httpConcurrent = await timeCalls(REQUESTS, CLIENTS, fetchFeed);
await server.stop();

const feedFigures = (run: { latenciesMs: number[]; seconds: number }) => ({ ...latencySummary(run.latenciesMs), feedsPerSecond: Math.round(run.latenciesMs.length / run.seconds) });
const served = Object.values(itemsBySource).reduce((a, b) => a + b, 0);
const freshnessSummary = latencySummary(freshness);
print({
  benchmark: 'feed',
  parameters: { videos: VIDEOS, users: USERS, warmEvents: events.length, requests: REQUESTS, warmUpRequests: WARM_UP, pageSize: 10, httpClients: CLIENTS, server: 'moteur serve in a child process, keep-alive node:http clients on 127.0.0.1' },
  library: { ...feedFigures(library), firstFeedMs: round(firstFeedMs) },
  httpOneClient: feedFigures(httpAlone),
  httpConcurrentClients: feedFigures(httpConcurrent),
  itemsBySource: Object.fromEntries(Object.entries(itemsBySource).map(([source, count]) => [source, round(count / served)])),
  restoreSeconds: round(restoreSeconds, 2),
  freshnessMs: { p50: freshnessSummary.p50Ms, p99: freshnessSummary.p99Ms, meaning: 'follow acknowledged -> next feed shows the creator (library)' },
  goal: 'p99 <= 10 ms',
});
