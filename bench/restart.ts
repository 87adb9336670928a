/**
 * A restart at size: a data directory of `--videos`, `--users` and `--events` is built (or reused with `--data DIR`:
 * built there when it holds no snapshot, kept afterwards), a snapshot is written while feeds and events go on (how
 * long it takes, and the longest the event loop stalled meanwhile, against the same feeds without one just before;
 * and the freeze alone, the one turn a snapshot holds the event loop),
 * the engine is closed, then a fresh process opens the directory and serves its first feed: the time to it, each
 * phase of the start (the engine's own phase times), the resident size, and that size per video and per person. The goal size is `--videos 1000000 --users 100000 --events 2000000`.
 * Usage: node --max-old-space-size=12288 --import tsx bench/restart.ts [--videos N] [--users N] [--events N] [--data DIR]
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Moteur } from '../src/app/moteur.ts';
import { seededRandom } from '../src/core/random.ts';
import { dataDir, flag, inheritedNodeFlags, note, percentile, print, round } from './lib/report.ts';
import { batchesOf, syntheticEventStream, syntheticVideoStream } from './lib/synthetic.ts';

const CHILD = '--restart-child';
const MiB = 2 ** 20;

/** Run in the fresh process: open the directory, serve one feed, report. */
async function restartHere(dir: string): Promise<void> {
  const start = performance.now();
  const moteur = await Moteur.open({ dataDir: dir });
  const openedMs = performance.now() - start;
  await moteur.feed('u0', { n: 10 });
  const firstFeedMs = performance.now() - start;
  const memory = process.memoryUsage();
  // A loaded graph is caught up on the maintenance ticks after the first feed: how far behind, and for how long.
  const graphPendingAtFirstFeed = moteur.learning.learners.vectorIndexPending;
  while (moteur.learning.learners.vectorIndexPending > 0 && performance.now() - start < 30 * 60_000) await sleep(100);
  const graphCaughtUpMs = performance.now() - start;
  const result = {
    firstFeedMs: Math.round(firstFeedMs),
    openMs: Math.round(openedMs),
    phases: moteur.startPhases.list(),
    vectorIndexLoaded: moteur.learning.vectorIndexLoaded,
    contentIndexLoaded: moteur.contentIndexLoaded,
    graphPendingAtFirstFeed,
    graphCaughtUpMs: Math.round(graphCaughtUpMs),
    memory: { rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0); // the start is what is measured; the close would write nothing new
}

if (process.argv.includes(CHILD)) await restartHere(process.argv[process.argv.indexOf(CHILD) + 1]!);

const VIDEOS = flag('videos', 100_000);
const USERS = flag('users', 10_000);
const EVENTS = flag('events', 200_000);
const { dir, kept, reused } = dataDir();

/** Catalog and events through the library, both HNSW graphs built, the item graph trained. */
async function build(): Promise<Moteur> {
  const moteur = await Moteur.open({ dataDir: dir });
  note(`loading ${VIDEOS} videos...`);
  for (const batch of batchesOf(syntheticVideoStream(VIDEOS), 1000)) await moteur.upsertVideos(batch);
  note(`ingesting ${EVENTS} events from ${USERS} people...`);
  for (const batch of batchesOf(syntheticEventStream(EVENTS, VIDEOS, USERS, 5, 'warm'), 500)) await moteur.ingest(batch);
  note('building both HNSW graphs...');
  moteur.learning.learners.syncVectorIndex();
  moteur.catalog.embeddings.prepare();
  return moteur;
}

/** A snapshot under feeds, then the close (which writes the content graph), on a built or reused directory. */
async function snapshotThenClose(moteur: Moteur) {
  // The item graph trains once the events are in (on the main thread below 50k videos): not part of the snapshot.
  await moteur.learning.settled();
  const snapshot = await snapshotUnderFeeds(moteur);
  note('closing...');
  const start = performance.now();
  await moteur.close();
  return { snapshot, closeSeconds: round((performance.now() - start) / 1000, 2) };
}

/** Feeds served before the snapshot and not measured: the first ones after a start pay for warming the process up. */
const WARM_UP_MS = 2000;
/** Then feeds alone, measured as the snapshot is: what the machine stalls without one. */
const ALONE_MS = 3000;
/** Freezes of the state timed alone (each thawed at once), between those feeds and the snapshot. */
const FREEZES = 9;

/**
 * A snapshot written while one caller asks for feeds and learns a few events between them: how long it takes,
 * the longest event-loop stall meanwhile (what any request would wait) against the longest with the same feeds
 * and no snapshot just before, and the slowest feed.
 */
async function snapshotUnderFeeds(moteur: Moteur) {
  // Ids of this run's own, so a reused directory has something new to snapshot.
  const run = Date.now().toString(36);
  await moteur.ingest([{ id: `before-snapshot-${run}`, userId: 'u1', videoId: 'v1', type: 'like', ts: Date.now() }]);
  note('feeds alone, then a snapshot while they go on...');
  const random = seededRandom(9);
  let writing = true;
  let feeds = 0;
  let slowestFeedMs = 0;
  const feedsMeanwhile = (async () => {
    while (writing) {
      const t = performance.now();
      const user = `u${Math.floor(random() * USERS)}`;
      await moteur.ingest([
        { id: `during-${run}-${feeds}`, userId: user, videoId: `v${Math.floor(random() * VIDEOS)}`, type: 'play', watchMs: 3000, ts: Date.now() },
      ]);
      await moteur.feed(user, { n: 10 });
      slowestFeedMs = Math.max(slowestFeedMs, performance.now() - t);
      feeds++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  await sleep(WARM_UP_MS);
  const alone = monitorEventLoopDelay({ resolution: 5 });
  alone.enable();
  await sleep(ALONE_MS);
  alone.disable();
  const [feedsBefore, slowestBefore] = [feeds, slowestFeedMs];
  // The one turn a snapshot holds the event loop for whatever its size: the freeze (encoded later, in slices).
  const freezesMs: number[] = [];
  for (let i = 0; i < FREEZES; i++) {
    const start = performance.now();
    const frozen = moteur.learning.freeze();
    freezesMs.push(performance.now() - start);
    frozen.thaw();
    await sleep(20);
  }
  freezesMs.sort((a, b) => a - b);
  slowestFeedMs = 0;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const start = performance.now();
  await moteur.snapshot();
  const seconds = (performance.now() - start) / 1000;
  delay.disable();
  writing = false;
  await feedsMeanwhile;
  return {
    seconds: round(seconds, 2),
    longestEventLoopStallMs: round(delay.max / 1e6, 1),
    eventLoopDelayP99Ms: round(delay.percentile(99) / 1e6, 1),
    feedsAndEventsMeanwhile: feeds - feedsBefore,
    slowestFeedWithItsEventMs: round(slowestFeedMs, 1),
    freezeMs: { fastest: round(freezesMs[0]!, 2), median: round(percentile(freezesMs, 50), 2), of: FREEZES },
    withoutSnapshot: {
      seconds: ALONE_MS / 1000,
      longestEventLoopStallMs: round(alone.max / 1e6, 1),
      eventLoopDelayP99Ms: round(alone.percentile(99) / 1e6, 1),
      slowestFeedWithItsEventMs: round(slowestBefore, 1),
      meaning: `the same feeds and events for ${ALONE_MS / 1000} s just before the snapshot (after ${WARM_UP_MS / 1000} s unmeasured): what the machine stalls without one`,
    },
    goal: 'stall <= 50 ms, snapshot <= 15 s at the goal size',
  };
}

/** Opens the directory in a fresh process with this one's heap limit; its report, and its wall time from spawn. */
function restartInChild(): Promise<{
  wallMs: number;
  report: Record<string, unknown> & { memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number } };
}> {
  const script = fileURLToPath(import.meta.url);
  const start = performance.now();
  const child = spawn(process.execPath, [...inheritedNodeFlags(), '--import', 'tsx', script, CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the restart exited with ${code}`));
      else resolve({ wallMs: performance.now() - start, report: JSON.parse(out) });
    });
  });
}

const built = await snapshotThenClose(reused ? await Moteur.open({ dataDir: dir }) : await build());
note(`restarting from ${dir} in a fresh process...`);
const { wallMs, report } = await restartInChild();
const { memory, phases } = report as typeof report & { phases: { phase: string; ms: number }[] };
const slowest = [...phases].sort((a, b) => b.ms - a.ms).slice(0, 3);
print({
  benchmark: 'restart',
  parameters: { videos: VIDEOS, users: USERS, events: EVENTS, dataDir: kept ? dir : 'scratch', reused },
  restart: {
    firstFeedSeconds: round((report.firstFeedMs as number) / 1000, 2),
    processWallSecondsToExit: round(wallMs / 1000, 2),
    slowestPhases: slowest,
    phases,
    vectorIndexLoaded: report.vectorIndexLoaded,
    contentIndexLoaded: report.contentIndexLoaded,
    learnedVectorGraph: {
      pendingAtFirstFeed: report.graphPendingAtFirstFeed,
      caughtUpSecondsAfterStart: round((report.graphCaughtUpMs as number) / 1000, 2),
      meaning: 'item vectors not yet checked against the loaded graph when the first feed was served; they follow on the maintenance ticks',
    },
    goal: 'first feed <= 30 s at 1M videos / 100k people / 2M events',
  },
  memoryAfterFirstFeed: {
    rssMiB: Math.round(memory.rss / MiB),
    heapUsedMiB: Math.round(memory.heapUsed / MiB),
    arrayBuffersMiB: Math.round(memory.arrayBuffers / MiB),
    rssBytesPerVideo: Math.round(memory.rss / VIDEOS),
    rssBytesPerPerson: Math.round(memory.rss / USERS),
    meaning: 'per video and per person: the whole resident size divided by each count (an upper bound on each)',
  },
  snapshotUnderFeeds: built.snapshot,
  closeSeconds: built.closeSeconds,
});
