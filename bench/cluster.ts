/**
 * The cluster on the local PostgreSQL and NATS JetStream: two learner shards (0/2 and 1/2) and two API nodes,
 * each a process. Measures the ingest of every person's first event (their data keys are created), then durable
 * ingest (events/s) of known people and feed latency through one API node and through two,
 * the cross-node freshness (a follow acknowledged by one node until the other node's feed shows the followed
 * creator's newest video the person has not seen), how long the learner shards take to drain their part of the log once ingest stops, and each
 * shard's checkpoint size and resident memory. Each ingest is timed until the shards drained it, with the CPU
 * seconds every process used meanwhile (this one's clients, the nodes, NATS and PostgreSQL), so events per core
 * second size a cluster. The API nodes apply the learner shards' model deltas
 * (published every --delta-every ms), so a follow reaches the other node through the person's shard;
 * `--learn-from log` has each API node learn every event of the log itself instead.
 * Usage: node --import tsx bench/cluster.ts [--events N] [--feeds N] [--trials N] [--videos N] [--delta-every MS] [--learn-from deltas|log]
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import pg from 'pg';
import { deleteLogStreams } from '../src/log/nats/nats-event-log.ts';
import { getJson, postJson } from './lib/http-client.ts';
import { createMasterKey } from '../src/trust/crypto/master-key.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import { createClusterKey, startNode, type Node } from './lib/cluster-nodes.ts';
import { cpuSecondsOf, cpuSecondsOfCommand } from './lib/process-cpu.ts';
import { flag, latencySummary, note, print, round, scratchDir, timeCalls } from './lib/report.ts';
import { syntheticEvents, syntheticVideos } from './lib/synthetic.ts';

const EVENTS = flag('events', 40_000);
const FEEDS = flag('feeds', 2_000);
const TRIALS = flag('trials', 100);
const VIDEOS = flag('videos', 5_000);
const DELTA_EVERY_MS = flag('delta-every', 100);
const LEARN_FROM = process.argv[process.argv.indexOf('--learn-from') + 1] === 'log' ? 'log' : 'deltas';
const USERS = 2_000;
const BATCH = 500;
const CLIENTS = 4;
const SHARDS = 2;
const POSTGRES = process.env.MOTEUR_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS = process.env.MOTEUR_BENCH_NATS ?? 'nats://127.0.0.1:4222';

const name = `moteur_bench_${process.pid}`;

/** A node's resident memory, from /proc (Linux). */
function residentMiB(node: Node): number {
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${node.process.pid}/status`, 'utf8'))?.[1]);
  return Math.round(kib / 1024);
}
const nodes: Node[] = [];

async function cleanUp(): Promise<void> {
  await Promise.all(nodes.map((n) => n.kill()));
  const db = new pg.Client({ connectionString: POSTGRES });
  await db.connect();
  // The shared schema and the home region's (`<schema>_us`: people's data, their part of each checkpoint).
  for (const schema of [name, `${name}_us`]) await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.end();
  const nc = await connect({ servers: NATS.replace('nats://', '') });
  const jsm = await jetstreamManager(nc);
  await deleteLogStreams(jsm, name);
  await nc.close();
}

async function main(): Promise<void> {
  const scratch = scratchDir();
  const masterKey = join(scratch, 'master.key');
  createMasterKey(masterKey);
  const env = {
    MOTEUR_STORE: `${POSTGRES}?schema=${name}`,
    MOTEUR_LOG: `${NATS}?stream=${name}&shards=${SHARDS}`,
    MOTEUR_MASTER_KEY: masterKey,
    MOTEUR_LEDGER_KEYS: join(scratch, 'ledger-keys'),
  };
  const dirs = ['a', 'b', ...Array.from({ length: SHARDS }, (_, i) => `learner-${i}`)].map((d) => join(scratch, d));
  for (const dir of dirs) mkdirSync(dir);
  const key = await createClusterKey(env.MOTEUR_STORE, { id: 'bench', role: 'app', regions: ['us', 'eu'] });
  const start = async (args: string[]) => {
    const node = await startNode(args, env, 60_000);
    nodes.push(node);
    return node;
  };
  note(`starting ${SHARDS} learner shards and two API nodes`);
  const learners = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) =>
      start(['--role', 'learner', '--shard', `${i}/${SHARDS}`, '--data', dirs[2 + i]!, '--checkpoint-every', '5', '--delta-every', String(DELTA_EVERY_MS)]),
    ),
  );
  const [a, b] = await Promise.all(dirs.slice(0, 2).map((dir) => start(['--role', 'api', '--data', dir, '--port', '0', '--learn-from', LEARN_FROM])));
  const A = a!.url!;
  const B = b!.url!;

  const videos = syntheticVideos(VIDEOS);
  for (let i = 0; i < videos.length; i += 1000) await postJson(`${A}/v1/videos`, { videos: videos.slice(i, i + 1000) }, key);
  const known = Date.now();
  while (!(await getJson(`${B}/v1/videos/v${VIDEOS - 1}`, key).catch(() => undefined))) {
    if (Date.now() - known > 10_000) throw new Error('the catalog did not reach the second node');
  }

  // Every person's first event, through one node: each new person's data key is written to PostgreSQL before
  // their events are sealed, so this is timed on its own and the phases below ingest for known people only.
  const firstEvents = syntheticEvents(USERS, VIDEOS, USERS, 3, 'first-').map((e, i) => ({ ...e, userId: `u${i}` }));
  note(`the first event of each of ${USERS} people through one node`);
  let nextFirst = 0;
  const newPeople = await timeCalls(Math.ceil(USERS / BATCH), CLIENTS, () => {
    const at = nextFirst++ * BATCH;
    return postJson(`${A}/v1/events`, { events: firstEvents.slice(at, at + BATCH) }, key);
  });

  /** CPU seconds used so far by each part of the cluster: this process (the clients), each node, and the services. */
  const cpuByPart = () => ({
    clients: ((used) => (used.user + used.system) / 1e6)(process.cpuUsage()),
    apiNodes: cpuSecondsOf([a!.process.pid!, b!.process.pid!]),
    learnerShards: cpuSecondsOf(learners.map((l) => l.process.pid!)),
    nats: cpuSecondsOfCommand('nats-server'),
    postgres: cpuSecondsOfCommand('postgres'),
  });

  /**
   * Ingest through the given nodes (batches spread over them) until the learner shards have drained it, with
   * the CPU every process used meanwhile, then feeds from them.
   */
  const measure = async (urls: string[], prefix: string) => {
    const events = syntheticEvents(EVENTS / 2, VIDEOS, USERS, prefix.length, prefix);
    const parts = Array.from({ length: Math.ceil(events.length / BATCH) }, (_, i) => events.slice(i * BATCH, (i + 1) * BATCH));
    let next = 0;
    note(`ingest of ${events.length} events through ${urls.length} node(s)`);
    const cpuBefore = cpuByPart();
    const ingest = await timeCalls(parts.length, CLIENTS, () => {
      const i = next++;
      return postJson(`${urls[i % urls.length]}/v1/events`, { events: parts[i] }, key);
    });
    const learnersDrainedMs = await drained(name, SHARDS);
    const cpuAfter = cpuByPart();
    const cpuSeconds = Object.fromEntries(
      Object.entries(cpuAfter).map(([part, seconds]) => [part, round(seconds - cpuBefore[part as keyof typeof cpuBefore], 2)]),
    );
    const cpuTotal = Object.values(cpuSeconds).reduce((sum, seconds) => sum + seconds, 0);
    let feed = 0;
    note(`${FEEDS} feeds from ${urls.length} node(s)`);
    const feeds = await timeCalls(FEEDS, CLIENTS, () => {
      const i = feed++;
      return getJson(`${urls[i % urls.length]}/v1/users/u${i % USERS}/feed?n=10`, key);
    });
    return {
      ingestEventsPerSec: Math.round(events.length / ingest.seconds),
      ingestBatchLatency: latencySummary(ingest.latenciesMs),
      learnersDrainedMs,
      cpuSeconds,
      /** Events ingested and learned per second of one core, over every process of the cluster: what sizes it. */
      eventsPerCoreSecond: Math.round(events.length / cpuTotal),
      apiNodeCpuPerEventUs: round((cpuSeconds.apiNodes! * 1e6) / events.length, 1),
      feedsPerSec: Math.round(FEEDS / feeds.seconds),
      feedLatency: latencySummary(feeds.latenciesMs),
    };
  };
  const oneNode = await measure([A], 'one-');
  const twoNodes = await measure([A, B], 'two-');

  note(`${TRIALS} cross-node freshness trials`);
  const delays: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const [from, to] = t % 2 === 0 ? [A, B] : [B, A];
    const video = videos[(t * 37) % VIDEOS]!;
    await postJson(`${from}/v1/events`, { events: [{ id: `fresh-${t}`, userId: `fresh-${t}`, videoId: video.id, type: 'follow', ts: Date.now() }] }, key);
    const acknowledged = performance.now();
    // What the person sees: the creator's newest video they have neither watched nor been shown (each page
    // asked while waiting shows them videos, which a feed never repeats).
    const shown = new Set<string>();
    for (;;) {
      const expected = newestUnseen(videos, video.creatorId, shown);
      const feed = await getJson(`${to}/v1/users/fresh-${t}/feed?n=10`, key);
      // Shown because it is followed: a cold feed may show the creator's videos by chance.
      const followed = feed.items.filter((i: { source: string }) => i.source === 'followed').map((i: { videoId: string }) => i.videoId);
      if (followed.includes(expected)) break;
      for (const item of feed.items) shown.add(item.videoId);
      if (performance.now() - acknowledged > 10_000)
        throw new Error(
          `trial ${t}: ${expected}, the newest video of ${video.creatorId} not seen, never reached the other node's feed (followed: ${followed.join(', ') || 'none'})`,
        );
    }
    delays.push(performance.now() - acknowledged);
  }

  print({
    benchmark: 'cluster',
    parameters: {
      events: EVENTS,
      feeds: FEEDS,
      trials: TRIALS,
      videos: VIDEOS,
      users: USERS,
      batch: BATCH,
      clients: CLIENTS,
      shards: SHARDS,
      learnFrom: LEARN_FROM,
      deltaEveryMs: DELTA_EVERY_MS,
    },
    newPeopleIngest: { eventsPerSec: Math.round(USERS / newPeople.seconds), batchLatency: latencySummary(newPeople.latenciesMs) },
    oneNode,
    twoNodes,
    twoNodesOverOne: round(twoNodes.ingestEventsPerSec / oneNode.ingestEventsPerSec, 2),
    crossNodeFreshness: { ...latencySummary(delays), meanMs: round(delays.reduce((s, d) => s + d, 0) / delays.length) },
    learnerShards: await shardFigures(name, learners),
    residentMiB: { apiA: residentMiB(a!), apiB: residentMiB(b!) },
    note: `two learner shards, two API nodes, PostgreSQL, NATS and the clients share the machine (cpuSeconds: from ingest until the shards drained it; nats and postgres count every client of those servers); ${LEARN_FROM === 'deltas' ? "the API nodes apply the shards' model deltas" : 'each API node learns from every event of the log'}`,
  });
}

/** The id of the creator's newest video not in `seen`. */
function newestUnseen(
  videos: readonly { id: string; creatorId: string; createdAt: number }[],
  creatorId: string,
  seen: ReadonlySet<string>,
): string | undefined {
  let newest: { id: string; createdAt: number } | undefined;
  for (const v of videos) if (v.creatorId === creatorId && !seen.has(v.id) && (newest === undefined || v.createdAt > newest.createdAt)) newest = v;
  return newest?.id;
}

/** Milliseconds from now until every learner shard's consumer has been delivered all of its part of the log. */
async function drained(stream: string, shards: number): Promise<number> {
  const nc = await connect({ servers: NATS.replace('nats://', '') });
  const jsm = await jetstreamManager(nc);
  const start = performance.now();
  try {
    for (let shard = 0; shard < shards; shard++) {
      while ((await jsm.consumers.info(stream, `${stream}_learner_${shard}_of_${shards}`)).num_pending > 0) {
        if (performance.now() - start > 120_000) throw new Error(`learner shard ${shard} did not drain its part of the log`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    return Math.round(performance.now() - start);
  } finally {
    await nc.close();
  }
}

/** Each shard's newest checkpoint (its log position and size), taken after it drained its part, and the shard's memory. */
async function shardFigures(schema: string, learners: Node[]) {
  const db = new pg.Client({ connectionString: POSTGRES });
  await db.connect();
  try {
    // The next checkpoint (every 5 s) holds what the shard drained.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    // A checkpoint is its shared row and its part in the region's schema (every person here lives in `us`).
    const { rows } = await db.query<{ shard: number; seq: string; bytes: number }>(
      `SELECT c.shard, c.seq, octet_length(c.bytes) + COALESCE(octet_length(p.bytes), 0) AS bytes
       FROM ${schema}.model_checkpoints c LEFT JOIN ${schema}_us.model_checkpoint_parts p USING (shards, shard, seq) WHERE c.shards = $1 ORDER BY c.shard`,
      [learners.length],
    );
    return rows.map((r) => ({
      shard: `${r.shard}/${learners.length}`,
      checkpointSeq: Number(r.seq),
      checkpointMiB: round(r.bytes / 2 ** 20, 1),
      residentMiB: residentMiB(learners[r.shard]!),
    }));
  } finally {
    await db.end();
  }
}

try {
  await main();
} finally {
  await cleanUp();
}
