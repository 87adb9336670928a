/**
 * The served engine as a row of an evaluation: a data set's catalog and training events replayed into a fresh
 * engine the way a client would send them, then each evaluated person's feed page scored by the same metric code
 * as the batch baselines' full rankings.
 */
import type { MoteurConfigOverrides } from '../../app/config.ts';
import { evaluateLists, type PER_USER_METRICS, type EvaluatedUser, type FullRankingContext } from '../full-ranking.ts';
import type { ModelResult } from '../implicit-benchmark.ts';
import { PeopleBootstrap, type Interval } from '../metrics/bootstrap.ts';
import type { StageProgress } from '../progress.ts';
import { replayIntoFreshEngine, servedConfiguration, servedPages, type ClientEvent } from './served-engine.ts';

/** The served engine as a client gets it (its default configuration), and the same without exploration slots. */
export const SERVED_VARIANTS: readonly { name: string; config: MoteurConfigOverrides }[] = [
  { name: 'engine', config: {} },
  { name: 'engine (no exploration)', config: { feed: { exploreShare: 0 } } },
];

/** How the served rows were made, for the report: enough to replay them over HTTP. */
export interface ServedRun {
  servedPath: true;
  /** The default configuration the `engine` row ran with. */
  configuration: Record<string, unknown>;
  replay?: Record<string, string>;
  events: number;
  /** Seconds to upsert the catalog, ingest the events and learn from them, per variant. */
  replaySeconds: number[];
}

export interface ServedInput {
  /** The catalog as `POST /v1/videos` takes it. */
  videos: readonly unknown[];
  /** The training events in log order; their `ts` is set here: one second apart, the last one second ago. */
  events: ClientEvent[];
  /** The engine's id of each evaluated person, in the order of `users`. */
  people: readonly string[];
  users: EvaluatedUser[];
  /** Dense item of a video id (-1 for a video outside the data set). */
  itemOf: (videoId: string) => number;
  pageSize: number;
  context: FullRankingContext;
  progress?: StageProgress;
}

export async function measureServedEngine(input: ServedInput, variants = SERVED_VARIANTS): Promise<{ models: Record<string, ModelResult>; run: ServedRun }> {
  refuseReplayedHeldOut(input);
  const models: Record<string, ModelResult> = {};
  const replaySeconds: number[] = [];
  let configuration: Record<string, unknown> = {};
  for (const variant of variants) {
    const tag = (stage: string, done: number, total: number) => input.progress?.(`${variant.name}: ${stage}`, done, total);
    const { engine, seconds } = await replayIntoFreshEngine(variant.config, input.videos, input.events, tag);
    try {
      replaySeconds.push(seconds);
      const feedStart = performance.now();
      const pages = await servedPages(engine.moteur, input.people, input.pageSize, tag);
      const lists = pages.map((page) => Int32Array.from(page.map(input.itemOf)).filter((item) => item >= 0));
      models[variant.name] = {
        ...evaluateLists(lists, input.users, input.context, input.pageSize),
        settings: {},
        trainSeconds: replaySeconds[replaySeconds.length - 1]!,
        evaluateSeconds: (performance.now() - feedStart) / 1000,
        tuning: [],
      };
      if (variant === variants[0]) configuration = servedConfiguration(engine.moteur);
    } finally {
      await engine.close();
    }
  }
  return { models, run: { servedPath: true, configuration, events: input.events.length, replaySeconds } };
}

/** An event that replays a held-out row would show the engine what it is graded on: refused. */
function refuseReplayedHeldOut(input: ServedInput): void {
  const heldOut = new Map(input.people.map((person, k) => [person, input.users[k]!.heldOut]));
  for (const event of input.events) {
    if (heldOut.get(event.userId)?.has(input.itemOf(event.videoId))) {
      throw new Error(`event ${event.id} replays a held-out row (${event.userId}, ${event.videoId}): the engine would see what it is graded on`);
    }
  }
}

/** Figures whose intervals are reported, unless a protocol names others. */
const WITH_INTERVALS = ['recall@20', 'ndcg@20'] as const;

/**
 * Adds 95 % bootstrap intervals over the reported people to every model, and to each model other than the engine
 * its paired difference to the engine (negative: the engine is ahead), for each of `metrics`.
 */
export function withIntervals(
  models: Record<string, ModelResult>,
  people: number,
  seed: number,
  metrics: readonly (typeof PER_USER_METRICS)[number][] = WITH_INTERVALS,
): Record<string, ModelResult> {
  const bootstrap = new PeopleBootstrap(people, seed);
  const engine = models[SERVED_VARIANTS[0]!.name];
  const out: Record<string, ModelResult> = {};
  for (const [name, model] of Object.entries(models)) {
    const intervals: Record<string, Interval> = {};
    const vsEngine: Record<string, Interval> = {};
    for (const metric of metrics) {
      intervals[metric] = bootstrap.mean(model.perUser[metric]);
      if (engine !== undefined && model !== engine) vsEngine[metric] = bootstrap.difference(model.perUser[metric], engine.perUser[metric]);
    }
    out[name] = { ...model, intervals, ...(Object.keys(vsEngine).length > 0 ? { vsEngine } : {}) };
  }
  return out;
}
