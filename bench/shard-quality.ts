/**
 * The cost of asynchronous SGD to the feed: MovieLens 100K's time-ordered split (the first 90% of the ratings
 * replayed as plays and likes, people of the last 10% ranked against what they go on to rate, as in
 * `moteur eval ml100k`) learned by one process, and by learner shards that each learn their partition's
 * people and exchange model deltas (through the wire format) every K events of the log; each sharded replica
 * is measured after the last exchange. Each is run with several seeds: the figures are their means, and the
 * gap between seeds is the noise to compare the sharded cost against.
 * Usage: node --import tsx bench/shard-quality.ts [--data DIR] [--shards N] [--delta-every-events K] [--seeds S]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineLearning } from '../src/app/learning.ts';
import { evaluateFullRanking, type EvaluatedUser, type FullRankingContext, type MetricReport } from '../src/eval/full-ranking.ts';
import { learnersScorer } from '../src/eval/online-replay.ts';
import { ml100kTimeSplit, readMl100k } from '../src/eval/protocols/ml100k.ts';
import { replayThroughShards, type ShardedReplayOptions } from '../src/eval/sharded-replay.ts';
import { itemPopularity } from '../src/learn/batch/interactions.ts';
import { flag, note, print, round } from './lib/report.ts';

const SHARDS = flag('shards', 2);
/** About 100 ms of a log taking 5,000 events/s; the smaller intervals show how the staleness matters. */
const DELTA_EVERY_EVENTS = flag('delta-every-events', 500);
const INTERVALS = [...new Set([DELTA_EVERY_EVENTS, 50, 1])].sort((a, b) => b - a);
const SEEDS = flag('seeds', 3);
const SEED = 1;
const LIKE_FROM = 4;
const METRICS = ['recall@10', 'ndcg@10', 'recall@20', 'ndcg@20'] as const;
const dataAt = process.argv.indexOf('--data');
const DATA = dataAt >= 0 ? resolve(process.argv[dataAt + 1] ?? '') : resolve(fileURLToPath(new URL('..', import.meta.url)), '../shared/data/ml-100k');

const headline = (metrics: MetricReport) => Object.fromEntries(METRICS.map((m) => [m, round(metrics[m]!, 4)]));
const relative = (of: MetricReport, to: MetricReport) => Object.fromEntries(METRICS.map((m) => [m, round((of[m]! - to[m]!) / to[m]!, 4)]));
const mean = (runs: MetricReport[]) => Object.fromEntries(METRICS.map((m) => [m, runs.reduce((sum, r) => sum + r[m]!, 0) / runs.length]));
/** Per metric, the widest gap between two of the runs. */
const spread = (runs: MetricReport[]) =>
  Object.fromEntries(METRICS.map((m) => [m, round(Math.max(...runs.map((r) => r[m]!)) - Math.min(...runs.map((r) => r[m]!)), 4)]));
const widest = (spreads: MetricReport[]) => Object.fromEntries(METRICS.map((m) => [m, Math.max(...spreads.map((s) => s[m]!))]));

async function main(): Promise<void> {
  if (!existsSync(join(DATA, 'ml-100k.inter'))) {
    console.error(`no MovieLens 100K at ${DATA} (expected ml-100k.inter in RecBole's atomic format): give its folder with --data DIR`);
    process.exit(2);
  }
  const start = performance.now();
  const { file, events, userCount, itemCount, tagsOf } = await readMl100k(DATA);
  const { ordered, validEnd, history, reported } = ml100kTimeSplit(events, userCount, itemCount);
  const replayed = ordered.slice(0, validEnd);
  const context: FullRankingContext = { itemCount, userCount, popularity: itemPopularity(history), similarity: () => 0 };
  const measure = (replica: EngineLearning, users: EvaluatedUser[]) => evaluateFullRanking(learnersScorer(replica.learners, itemCount), users, context).metrics;
  /** Each seed's metrics (the mean of its replicas), their mean, the widest gap between seeds and between a seed's replicas. */
  const replay = (options: Partial<ShardedReplayOptions>) => {
    const runs = Array.from({ length: SEEDS }, (_, k) => {
      const run = replayThroughShards(replayed, { itemCount, tagsOf, likeFrom: LIKE_FROM, seed: SEED + k, shards: 1, deltaEveryEvents: Infinity, ...options });
      const replicas = run.replicas.map((r) => measure(r, reported));
      return { run, replicas, metrics: mean(replicas) };
    });
    const { run } = runs[0]!;
    return {
      metrics: mean(runs.map((r) => r.metrics)),
      report: {
        replaySeconds: round(run.seconds, 1),
        ...(run.deltas > 0 && { deltas: run.deltas, deltaMiB: round(run.deltaBytes / 2 ** 20, 1) }),
        betweenSeeds: spread(runs.map((r) => r.metrics)),
        ...(run.replicas.length > 1 && { betweenReplicas: widest(runs.map((r) => spread(r.replicas))) }),
      },
      events: run.events,
    };
  };

  note(`one process, ${SEEDS} seeds`);
  const single = replay({});
  const sharded = INTERVALS.map((deltaEveryEvents) => {
    note(`${SHARDS} shards, deltas every ${deltaEveryEvents} events, ${SEEDS} seeds`);
    const { metrics, report } = replay({ shards: SHARDS, deltaEveryEvents });
    return { deltaEveryEvents, metrics: headline(metrics), relativeToOneProcess: relative(metrics, single.metrics), ...report };
  });
  print({
    benchmark: 'shard-quality',
    data: file,
    interactions: replayed.length,
    events: single.events,
    heldOutPeople: reported.length,
    shards: SHARDS,
    seeds: SEEDS,
    oneProcess: { metrics: headline(single.metrics), ...single.report },
    sharded,
    seconds: round((performance.now() - start) / 1000, 1),
  });
}

await main();
