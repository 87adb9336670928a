import { join } from 'node:path';
import { implicitInteractions, itemPopularity, itemsOf, type ImplicitInteractions } from '../../learn/batch/interactions.ts';
import type { UserItemScorer } from '../../learn/batch/scorer.ts';
import { evaluateFullRanking, type MetricReport } from '../full-ranking.ts';
import { evaluatedUsers, type ModelResult } from '../implicit-benchmark.ts';
import type { StageProgress } from '../progress.ts';
import { benchmarkEngineAndBaselines } from '../implicit-models.ts';
import { readTiktokSplit, readUserItemPairs } from '../readers/tiktok.ts';
import { implicitReportSections, modelsJson } from '../report/model-comparison.ts';
import type { ReportPage } from '../report/html.ts';

export interface TiktokOptions {
  dataDir: string;
  /** Reports figures on this file instead of val.csv (settings are still tuned on val.csv). */
  testFile?: string;
  easeLambdas: number[];
  seed: number;
  /** Also measure the item-id leak probe (see idOrderLeakProbe); it is reported apart from the models. */
  leakProbe?: boolean;
  progress?: StageProgress;
}

export interface TiktokResult {
  heldOutFile: string;
  users: number;
  items: number;
  trainRows: number;
  contentFeatures: number;
  models: Record<string, ModelResult>;
  leakProbe?: MetricReport;
}

/** EASE leaves out items seen by fewer than 3 people: its cubic-cost inverse stays near a minute. */
const EASE_MIN_SUPPORT = 3;

/**
 * The TikTok protocol (data README): train on train.csv only; for each person with held-out items rank every item
 * except their training items; Recall@K = hits / held-out items, averaged over those people; tune on val.csv.
 */
export async function evaluateTiktok(options: TiktokOptions): Promise<TiktokResult> {
  const validationFile = join(options.dataDir, 'val.csv');
  const split = await readTiktokSplit(options.dataDir, validationFile, options.progress);
  const test = options.testFile === undefined ? undefined : await readUserItemPairs(options.testFile, options.progress);
  const maxId = (ids: number[]) => ids.reduce((m, x) => Math.max(m, x), -1);
  const userCount = Math.max(split.userCount, test ? maxId(test.users) + 1 : 0);
  const itemCount = Math.max(split.itemCount, test ? maxId(test.items) + 1 : 0);
  const train = implicitInteractions(split.train.users, split.train.items, userCount, itemCount);
  const validation = evaluatedUsers(train, split.heldOut.users, split.heldOut.items);
  const reported = test ? evaluatedUsers(train, test.users, test.items) : validation;
  const features = split.features.map((f) => ({ dimension: f.columns, values: f.values }));

  const models = benchmarkEngineAndBaselines(
    { train, validation, reported, features, ...(options.progress ? { progress: options.progress } : {}) },
    { seed: options.seed, easeLambdas: options.easeLambdas, easeMinSupport: EASE_MIN_SUPPORT },
  );
  const leakProbe = options.leakProbe
    ? evaluateFullRanking(idOrderLeakProbe(train), reported, { itemCount, userCount, popularity: itemPopularity(train), similarity: () => 0 }).metrics
    : undefined;
  return {
    heldOutFile: options.testFile ?? validationFile,
    users: reported.length,
    items: itemCount,
    trainRows: split.train.users.length,
    contentFeatures: features.length,
    models,
    ...(leakProbe ? { leakProbe } : {}),
  };
}

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

/** One JSON object: the engine's headline figures at the top, every model's figures side by side. */
export function tiktokJson(result: TiktokResult): Record<string, unknown> {
  const engine = result.models['engine']!;
  return {
    protocol: 'tiktok',
    heldOutFile: result.heldOutFile,
    'recall@20': engine.metrics['recall@20'],
    'ndcg@20': engine.metrics['ndcg@20'],
    users: result.users,
    items: result.items,
    trainRows: result.trainRows,
    trainSeconds: engine.trainSeconds,
    models: modelsJson(result.models),
    ...(result.leakProbe ? { leakProbe: { note: 'not a model: ranks by popularity among ids above the person’s largest training id', ...result.leakProbe } } : {}),
  };
}

export function tiktokReportPage(result: TiktokResult): ReportPage {
  return {
    title: 'TikTok: full ranking of every video',
    subtitle: `held out: ${result.heldOutFile}; ${result.users} people, ${result.items} videos, ${result.trainRows} training rows, ${result.contentFeatures} content feature sets`,
    sections: implicitReportSections('tiktok', result.models, 'Train on train.csv only; each person ranks every video except their training videos; settings tuned on val.csv by Recall@20. Published Recall@20 on the test split: LightGCN 0.0653, DiffMM 0.1129.'),
    data: tiktokJson(result),
  };
}
