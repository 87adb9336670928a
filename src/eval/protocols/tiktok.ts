import { join } from 'node:path';
import { implicitInteractions, itemPopularity, itemsOf, type ImplicitInteractions } from '../../learn/batch/interactions.ts';
import type { UserItemScorer } from '../../learn/batch/scorer.ts';
import { evaluateFullRanking, type MetricReport } from '../full-ranking.ts';
import { evaluatedUsers, type ModelResult } from '../implicit-benchmark.ts';
import { benchmarkBaselines } from '../implicit-models.ts';
import { itemSimilarity } from '../item-similarity.ts';
import type { StageProgress } from '../progress.ts';
import { readReplayCatalog, readTiktokSplit, readUserItemPairs } from '../readers/tiktok.ts';
import { implicitReportSections, modelsJson } from '../report/model-comparison.ts';
import type { ReportPage } from '../report/html.ts';
import { measureServedEngine, SERVED_VARIANTS, withIntervals, type ServedRun } from '../served/served-ranking.ts';
import type { ClientEvent } from '../served/served-engine.ts';

/** Which people of val.csv a run reports on: settings are chosen on the `tuning` half, figures come from the other. */
export type ValidationHalf = 'tuning' | 'reported';

export interface TiktokOptions {
  dataDir: string;
  /** Reports figures on this file instead of val.csv's reported half (settings are then tuned on the whole of val.csv). */
  testFile?: string;
  /** Report on the tuning half of val.csv instead (for choosing the engine's settings; such figures are not reportable). */
  half?: ValidationHalf;
  easeLambdas: number[];
  seed: number;
  /** The served engines measured (default: SERVED_VARIANTS, the configuration a client gets and the same without exploration). */
  servedVariants?: typeof SERVED_VARIANTS;
  /** Measure only the served engine (no baselines): a quick look while changing it. */
  engineOnly?: boolean;
  /** Also measure the item-id leak probe (see idOrderLeakProbe); it is reported apart from the models. */
  leakProbe?: boolean;
  progress?: StageProgress;
}

export interface TiktokResult {
  heldOutFile: string;
  /** Which people of the held-out file were reported, and which chose the baselines' settings. */
  heldOutPeople: string;
  users: number;
  items: number;
  trainRows: number;
  contentFeatures: number;
  /** The served engine's rows first (`engine`, `engine (no exploration)`), then the baselines. */
  models: Record<string, ModelResult>;
  served: ServedRun;
  leakProbe?: MetricReport;
}

/** EASE leaves out items seen by fewer than 5 people: its cubic-cost inverse stays near 10 s per λ. */
const EASE_MIN_SUPPORT = 5;
const PAGE = 20;
const WATCH_MS = 15_000;

/** val.csv's people are split by id: even ids tune the baselines' settings (and chose the engine's), odd ids are reported. */
export const isTuningPerson = (user: number): boolean => user % 2 === 0;

/**
 * The TikTok protocol (data README): train on train.csv only; for each person with held-out items rank every item
 * except their training items; Recall@K = hits / held-out items, averaged over those people.
 *
 * The engine is measured as served: train.csv replayed through the API's calls into a fresh embedded engine (each
 * row a full play, one second apart), then each reported person's feed page of 20. The batch baselines rank the
 * whole catalog. Figures come with 95 % intervals over people, and each baseline with its paired difference to the engine.
 */
export async function evaluateTiktok(options: TiktokOptions): Promise<TiktokResult> {
  const validationFile = join(options.dataDir, 'val.csv');
  const split = await readTiktokSplit(options.dataDir, validationFile, options.progress);
  const catalogFile = join(options.dataDir, 'replay', 'videos.jsonl');
  const catalog = await readReplayCatalog(catalogFile, split.itemCount);
  const test = options.testFile === undefined ? undefined : await readUserItemPairs(options.testFile, options.progress);
  const maxId = (ids: number[]) => ids.reduce((m, x) => Math.max(m, x), -1);
  const userCount = Math.max(split.userCount, test ? maxId(test.users) + 1 : 0);
  const itemCount = Math.max(split.itemCount, test ? maxId(test.items) + 1 : 0);
  const train = implicitInteractions(split.train.users, split.train.items, userCount, itemCount);
  const validation = evaluatedUsers(train, split.heldOut.users, split.heldOut.items);
  const half = options.half ?? 'reported';
  const inHalf = (wanted: ValidationHalf) => validation.filter((u) => isTuningPerson(u.user) === (wanted === 'tuning'));
  const tuning = test ? validation : inHalf('tuning');
  const reported = test ? evaluatedUsers(train, test.users, test.items) : inHalf(half);
  const features = split.features.map((f) => ({ dimension: f.columns, values: f.values }));
  const progress = options.progress ? { progress: options.progress } : {};

  const events: ClientEvent[] = split.train.users.map((user, k) => ({
    id: `t${k}`,
    userId: `u${user}`,
    videoId: `v${split.train.items[k]}`,
    type: 'play',
    watchMs: WATCH_MS,
    ts: 0,
  }));
  const context = { itemCount, userCount, popularity: itemPopularity(train), similarity: itemSimilarity(train, features) };
  const served = await measureServedEngine(
    {
      videos: catalog,
      events,
      people: reported.map((u) => `u${u.user}`),
      users: reported,
      itemOf: (videoId) => (/^v\d+$/.test(videoId) ? Number(videoId.slice(1)) : -1),
      pageSize: PAGE,
      context,
      ...progress,
    },
    options.servedVariants,
  );
  const baselines = options.engineOnly
    ? {}
    : benchmarkBaselines(
        { train, validation: tuning, reported, features, ...progress },
        { seed: options.seed, easeLambdas: options.easeLambdas, easeMinSupport: EASE_MIN_SUPPORT },
      );
  const models = withIntervals({ ...served.models, ...baselines }, reported.length, options.seed);
  const leakProbe = options.leakProbe ? evaluateFullRanking(idOrderLeakProbe(train), reported, { ...context, similarity: () => 0 }).metrics : undefined;
  return {
    heldOutFile: options.testFile ?? validationFile,
    heldOutPeople: test
      ? 'every person of the test file (the baselines’ settings were tuned on all of val.csv)'
      : `${half === 'tuning' ? 'the tuning half: people with even ids (NOT reportable: settings were chosen on them)' : 'people with odd ids'}; the baselines’ settings were tuned on people with even ids`,
    users: reported.length,
    items: itemCount,
    trainRows: split.train.users.length,
    contentFeatures: features.length,
    models,
    served: { ...served.run, replay: TIKTOK_REPLAY },
    ...(leakProbe ? { leakProbe } : {}),
  };
}

/** How train.csv becomes API calls, so that anyone can replay it over HTTP and measure the same figure. */
const TIKTOK_REPLAY = {
  videos: 'DATA/replay/videos.jsonl as is (POST /v1/videos, 1,000 a call)',
  events:
    'row k of train.csv: {"id":"t<k>","userId":"u<user>","videoId":"v<item>","type":"play","watchMs":15000}, ts one second after row k-1, the last one second before the replay starts (POST /v1/events, 1,000 a call)',
  page: 'GET /v1/users/u<user>/feed?n=20, once per reported person, in increasing id order, after the engine has learned every event',
};

/**
 * NOT a recommender: a probe of the split. In this split a person's held-out video tends to have a larger id than
 * their training videos, so "most popular among ids above the person's largest training id" scores far above real
 * models. It shows how much a model could gain from the leak; no model here uses item ids.
 */
function idOrderLeakProbe(train: ImplicitInteractions): UserItemScorer {
  const popularity = itemPopularity(train);
  return {
    scoreUser(user, out) {
      const items = itemsOf(train, user);
      const last = items.length === 0 ? -1 : items[items.length - 1]!;
      for (let i = 0; i < out.length; i++) out[i] = i > last ? popularity[i]! : -1;
    },
  };
}

/** One JSON object: the served engine's headline figures at the top, every model's figures side by side. */
export function tiktokJson(result: TiktokResult): Record<string, unknown> {
  const engine = result.models[SERVED_VARIANTS[0]!.name]!;
  return {
    protocol: 'tiktok',
    heldOutFile: result.heldOutFile,
    heldOutPeople: result.heldOutPeople,
    'recall@20': engine.metrics['recall@20'],
    'ndcg@20': engine.metrics['ndcg@20'],
    intervals: engine.intervals,
    users: result.users,
    items: result.items,
    trainRows: result.trainRows,
    served: result.served,
    models: modelsJson(result.models),
    ...(result.leakProbe
      ? { leakProbe: { note: 'not a model: ranks by popularity among ids above the person’s largest training id', ...result.leakProbe } }
      : {}),
  };
}

export function tiktokReportPage(result: TiktokResult): ReportPage {
  return {
    title: 'TikTok: the served feed against batch baselines',
    subtitle: `held out: ${result.heldOutFile} (${result.heldOutPeople}); ${result.users} people, ${result.items} videos, ${result.trainRows} training rows, ${result.contentFeatures} content feature sets`,
    sections: implicitReportSections(
      'tiktok',
      result.models,
      'The engine rows are the feed a client of moteur serve gets: train.csv replayed through the API, then each person’s page of 20 (so figures at 50 do not exist for them). The baselines are batch models fitted on train.csv that rank every video except the person’s training videos; their settings are tuned on other people than those reported. Published Recall@20 on the test split: LightGCN 0.0653, DiffMM 0.1129.',
    ),
    data: tiktokJson(result),
  };
}
