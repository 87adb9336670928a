/**
 * Feed latency and throughput on a warmed engine: through the library API, then through HTTP against
 * a server that restores the same data directory in a child process.
 * Usage: node --import tsx bench/feed.ts [--videos N] [--users N] [--requests N] [--events-per-user N]
 */
import { Moteur } from '../src/app/moteur.ts';
import { seededRandom } from '../src/core/random.ts';
import { flag, note, percentile, print, round, scratchDir } from './lib/report.ts';
import { getJson } from '../src/sim/http-client.ts';
import { serveInChild } from './lib/serve-child.ts';
import { syntheticEvents, syntheticVideos } from './lib/synthetic.ts';

const VIDEOS = flag('videos', 100_000);
const USERS = flag('users', 10_000);
const REQUESTS = flag('requests', 20_000);
const EVENTS_PER_USER = flag('events-per-user', 20);
const CLIENTS = flag('clients', 4);

function summary(latenciesMs: number[], seconds: number) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1]!), feedsPerSecond: Math.round(latenciesMs.length / seconds) };
}

const dir = scratchDir();
const random = seededRandom(3);
const userId = () => `u${Math.floor(random() * USERS)}`;

note(`loading ${VIDEOS} videos and ${USERS * EVENTS_PER_USER} events...`);
const moteur = await Moteur.open({ dataDir: dir });
const videos = syntheticVideos(VIDEOS);
for (let i = 0; i < videos.length; i += 1000) await moteur.upsertVideos(videos.slice(i, i + 1000));
const events = syntheticEvents(USERS * EVENTS_PER_USER, VIDEOS, USERS, 5, 'warm');
for (let i = 0; i < events.length; i += 1000) await moteur.ingest(events.slice(i, i + 1000));

note(`library: ${REQUESTS} feeds...`);
const library: number[] = [];
let start = performance.now();
for (let i = 0; i < REQUESTS; i++) {
  const t = performance.now();
  await moteur.feed(userId(), { n: 10 });
  library.push(performance.now() - t);
}
const librarySeconds = (performance.now() - start) / 1000;

// Freshness: from the acknowledgement of a follow to the first feed that shows the followed creator.
note('freshness: follow, then feed...');
const freshness: number[] = [];
for (let i = 0; i < 200; i++) {
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
// Warm-up: the first requests pay for JIT compilation and connection set-up.
for (let i = 0; i < 500; i++) await getJson(`${server.url}/v1/users/${userId()}/feed?n=10`);
const http: number[] = [];
let sent = 0;
start = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (sent++ < REQUESTS) {
      const t = performance.now();
      await getJson(`${server.url}/v1/users/${userId()}/feed?n=10`);
      http.push(performance.now() - t);
    }
  }),
);
const httpSeconds = (performance.now() - start) / 1000;
await server.stop();

print({
  benchmark: 'feed',
  parameters: { videos: VIDEOS, users: USERS, warmEvents: events.length, requests: REQUESTS, pageSize: 10, httpClients: CLIENTS },
  library: summary(library, librarySeconds),
  http: summary(http, httpSeconds),
  restoreSeconds: round(restoreSeconds, 2),
  freshnessMs: (({ p50Ms, p99Ms }) => ({ p50: p50Ms, p99: p99Ms, meaning: 'follow acknowledged -> next feed shows the creator (library)' }))(summary(freshness, 1)),
});
